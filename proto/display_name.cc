#include "psc/registry/v1/display_name.h"

#include <cctype>

#include "psc/registry/v1/display.pb.h"

namespace psc::registry::v1 {

std::string DisplayName(const google::protobuf::EnumValueDescriptor* value) {
  if (value == nullptr) return "";
  if (value->options().HasExtension(display_name)) {
    return value->options().GetExtension(display_name);
  }
  std::string words = value->name();
  for (char& c : words) {
    c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return words;
}

std::string DisplayLabel(const google::protobuf::EnumValueDescriptor* value) {
  std::string label = DisplayName(value);
  if (!label.empty())
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
  return label;
}

}  // namespace psc::registry::v1
