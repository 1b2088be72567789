#pragma once

// Order-preserving key encoding: tuples of strings and integers encode to byte strings whose
// bytewise order (RocksDB's default comparator) is the tuple order, so one tuple's encoding is
// also a prefix of every longer tuple that starts with it.
//   string: bytes with 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01;
//   uint64: 8 bytes big-endian;  int64: uint64 with the sign bit flipped.

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace psc::storage {

class KeyBuilder {
 public:
  KeyBuilder() = default;

  KeyBuilder& AddString(absl::string_view s);
  KeyBuilder& AddUint64(uint64_t v);
  KeyBuilder& AddInt64(int64_t v);

  const std::string& key() const { return key_; }
  std::string Release() { return std::move(key_); }

 private:
  std::string key_;
};

// Reads components back in the order they were added. Each Read* returns false when the next
// bytes are not a well-formed component of that type.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}

  bool ReadString(std::string* out);
  bool ReadUint64(uint64_t* out);
  bool ReadInt64(int64_t* out);
  bool done() const { return rest_.empty(); }
  absl::string_view rest() const { return rest_; }

 private:
  absl::string_view rest_;
};

// The key of change-log entry `sequence` in Family::kChangeLog.
std::string ChangeLogKey(uint64_t sequence);

// The smallest key greater than every key that starts with `prefix` ("" if there is none).
std::string PrefixSuccessor(absl::string_view prefix);

}  // namespace psc::storage
