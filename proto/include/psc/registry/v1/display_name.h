#pragma once

// Enum values in words for people: web pages, CLI tables, the reasons pscd gives. One place,
// so "SOUTH_WEST" reads "South West" everywhere. Thread-safe; no allocation beyond the result.

#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace psc::registry::v1 {

// `value` as it reads within a sentence: its (display_name) option (display.proto) when set
// ("South West", "maternity and neonatal"), else its name in lower-case words ("HUMAN_FACTORS":
// "human factors"). "" for null.
std::string DisplayName(const google::protobuf::EnumValueDescriptor* value);

// The same as a label, at the start of a line or cell: the first letter in capitals
// ("Human factors", "Maternity and neonatal", "South West").
std::string DisplayLabel(const google::protobuf::EnumValueDescriptor* value);

// DisplayName and DisplayLabel of a generated enum's value; "" for a number it does not have.
template <typename Enum>
std::string DisplayName(Enum value) {
  return DisplayName(
      google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(static_cast<int>(value)));
}
template <typename Enum>
std::string DisplayLabel(Enum value) {
  return DisplayLabel(
      google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(static_cast<int>(value)));
}

}  // namespace psc::registry::v1
