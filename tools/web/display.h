#pragma once
// How pages show the API's values: enum names as words, field names as labels, resource names
// as ids, and form choices built from an enum.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "psc/registry/v1/display_name.h"
#include "tools/web/templates.h"

namespace psc::web {

// "HUMAN_FACTORS" -> "Human factors".
std::string Words(absl::string_view upper_snake);

// An enum value as a label: v1::HUMAN_FACTORS -> "Human factors", v1::SOUTH_WEST -> "South
// West" (registry::v1::DisplayLabel); "" for *_UNSPECIFIED (0).
template <typename Enum>
std::string EnumLabel(Enum value) {
  if (static_cast<int>(value) == 0) return "";
  return registry::v1::DisplayLabel(value);
}

// The same within a sentence: "human factors", "South West".
template <typename Enum>
std::string EnumWords(Enum value) {
  if (static_cast<int>(value) == 0) return "";
  return registry::v1::DisplayName(value);
}

// Choices for a <select> or radios of `Enum`: [{value: "HUMAN_FACTORS", label, selected}],
// without the unspecified value.
template <typename Enum>
List EnumOptions(absl::string_view selected) {
  const auto* descriptor = google::protobuf::GetEnumDescriptor<Enum>();
  List options;
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto* value = descriptor->value(i);
    if (value->number() == 0) continue;
    Data option;
    option.set("value", value->name());
    option.set("label", registry::v1::DisplayLabel(value));
    option.set("selected", value->name() == selected);
    options.push_back(option);
  }
  return options;
}

// The enum value named `name` ("HUMAN_FACTORS"), or 0 when it names none.
template <typename Enum>
Enum ParseEnum(absl::string_view name) {
  const auto* value =
      google::protobuf::GetEnumDescriptor<Enum>()->FindValueByName(std::string(name));
  return static_cast<Enum>(value == nullptr ? 0 : value->number());
}

// The label of the API's enum value named `name` ("SOUTH_WEST": "South West", "JOIN_PENDING":
// "Pending"), for values that arrive as names (facets, report counts); Words(name) for a name
// that is no value of the API's enums.
std::string ValueLabel(absl::string_view name);

// A count with its noun, singular or plural: (1, "day") -> "1 day", (2, "free day") ->
// "2 free days".
std::string Count(int n, absl::string_view noun);

// A month as people write it: (2027, 1) -> "January 2027".
std::string MonthLabel(int year, int month);

// "days_per_month" -> "Days per month".
std::string FieldLabel(absl::string_view snake);

// The last segment of a resource name: "experts/noel-mockford" -> "noel-mockford".
std::string IdOf(absl::string_view name);

// A collaborative's name as words when its display name is not at hand:
// "collaboratives/west-of-england" -> "West of England".
std::string CollaborativeLabel(absl::string_view name);

}  // namespace psc::web

namespace psc::web {

// A search snippet (Xapian's: HTML-escaped text with <mark>...</mark> around matches) as
// segments [{text, mark}] for the template to escape again: nothing from it is trusted as HTML.
List SnippetSegments(absl::string_view snippet);

// "a=1&b=two%20words" from pairs, each value URL-encoded.
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);

// A kind's collection as words: "caseStudies" -> "Case studies".
std::string KindLabel(absl::string_view kind);

// The psc-web page of a resource ("/experts/noel-mockford"), or "" for kinds without one.
std::string PagePath(absl::string_view resource_name);

}  // namespace psc::web

namespace psc::web {

// The resource a nested name belongs to: "experts/e1/requests/r1" -> "experts/e1".
std::string ParentOf(absl::string_view name);

}  // namespace psc::web
