#include "server/index/query_text.h"

namespace psc::index {
namespace {

bool IsAsciiWordByte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_';
}

}  // namespace

std::string WithoutProximityOperators(std::string_view text) {
  std::string out(text);
  // Where Xapian's lexer starts and ends a word depends on Unicode classes and on how it reads
  // invalid UTF-8, so this does not try to find word boundaries: it lowercases the letters of
  // every NEAR or ADJ not followed by an ASCII word character. Inside a longer word that only
  // changes the case of letters, which Xapian lowercases anyway.
  for (size_t i = 0; i < out.size(); ++i) {
    for (std::string_view op : {std::string_view("NEAR"), std::string_view("ADJ")}) {
      if (out.compare(i, op.size(), op) != 0) continue;
      const size_t end = i + op.size();
      if (end < out.size() && IsAsciiWordByte(out[end])) continue;
      for (size_t j = i; j < end; ++j) out[j] = static_cast<char>(out[j] - 'A' + 'a');
    }
  }
  return out;
}

}  // namespace psc::index
