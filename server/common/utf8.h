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

// The length of the valid UTF-8 sequence at the start of `text`, or 0 when it does not start
// with one (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, cut off).
inline size_t ValidSequenceLength(absl::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlongs
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;  // nothing beyond U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// The longest prefix of `text` with at most `max_chars` characters, never cut inside one; with
// "…" appended when anything was cut; and always valid UTF-8 (each byte that starts no valid
// sequence becomes U+FFFD), since protobuf strings must be. For echoing client input in
// messages and error details.
inline std::string CharacterPrefix(absl::string_view text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    if (chars++ == max_chars) return out + "…";
    const size_t length = ValidSequenceLength(text.substr(i));
    if (length == 0) {
      out += "\uFFFD";
      ++i;
    } else {
      out.append(text.data() + i, length);
      i += length;
    }
  }
  return out;
}

}  // namespace psc
