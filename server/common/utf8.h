#pragma once
// Text lengths as the API states them: in characters (Unicode code points), not bytes.

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace psc {

// The number of code points in `text`, taken as UTF-8 (each byte that does not continue a
// sequence starts one).
inline size_t CharacterCount(absl::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

// The longest prefix of `text` with at most `max_chars` characters, never cut inside one; with
// "…" appended when anything was cut. For echoing client input in messages.
inline std::string CharacterPrefix(absl::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == max_chars) {
      return std::string(text.substr(0, i)) + "…";
    }
  }
  return std::string(text);
}

}  // namespace psc
