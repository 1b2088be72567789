#include "server/storage/keys.h"

namespace psc::storage {

KeyBuilder& KeyBuilder::AddString(absl::string_view s) {
  for (char c : s) {
    key_.push_back(c);
    if (c == '\0') key_.push_back('\xff');
  }
  key_.push_back('\0');
  key_.push_back('\x01');
  return *this;
}

KeyBuilder& KeyBuilder::AddUint64(uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) key_.push_back(static_cast<char>(v >> shift));
  return *this;
}

KeyBuilder& KeyBuilder::AddInt64(int64_t v) {
  return AddUint64(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}

bool KeyReader::ReadString(std::string* out) {
  out->clear();
  for (size_t i = 0; i < rest_.size(); ++i) {
    if (rest_[i] != '\0') {
      out->push_back(rest_[i]);
      continue;
    }
    if (i + 1 >= rest_.size()) return false;
    if (rest_[i + 1] == '\x01') {
      rest_.remove_prefix(i + 2);
      return true;
    }
    if (rest_[i + 1] != '\xff') return false;
    out->push_back('\0');
    ++i;
  }
  return false;
}

bool KeyReader::ReadUint64(uint64_t* out) {
  if (rest_.size() < 8) return false;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(rest_[i]);
  rest_.remove_prefix(8);
  *out = v;
  return true;
}

bool KeyReader::ReadInt64(int64_t* out) {
  uint64_t v;
  if (!ReadUint64(&v)) return false;
  *out = static_cast<int64_t>(v ^ (uint64_t{1} << 63));
  return true;
}

std::string ChangeLogKey(uint64_t sequence) { return KeyBuilder().AddUint64(sequence).Release(); }

std::string PrefixSuccessor(absl::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    unsigned char last = static_cast<unsigned char>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

}  // namespace psc::storage
