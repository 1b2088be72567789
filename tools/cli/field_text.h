#pragma once

// Reading and writing message fields as text, by field path ("contact.email"), for CLI flags
// and table cells.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace psc::cli {

// Sets the field at `path` from `values` (one for a singular field, any number for a repeated
// one, which is replaced). Understands strings, enums (case-insensitive, '-' for '_', or the
// words tables show), bools,
// numbers, dates (YYYY-MM-DD) and expert skills (SKILL[:LEVEL]). Values of fields in
// `short_name_collection` may be bare ids: "wessex" becomes "collaboratives/wessex".
// INVALID_ARGUMENT naming the flag's value when it does not parse.
absl::Status SetFieldFromText(google::protobuf::Message* message, const std::string& path,
                              const std::vector<std::string>& values,
                              const std::string& short_name_collection = "");

// A List filter's value for the filter `field` of `message`'s kind: when `message` has an enum
// field of that name (or its plural, "region" for "regions"), `value` in any form a flag takes
// ("South West", "south-west") becomes the enum's name ("SOUTH_WEST"); any other is unchanged.
std::string FilterValueFromText(const google::protobuf::Message& message, const std::string& field,
                                const std::string& value);

// The field at `path` as text: enum values in words ("South West"), "yes"/"no", dates as
// YYYY-MM-DD, timestamps as RFC 3339, repeated fields joined with ", ", other messages as compact
// JSON.
std::string FieldText(const google::protobuf::Message& message, const std::string& path);

// "wessex" -> "collaboratives/wessex"; names with a '/' are kept.
std::string ExpandName(const std::string& collection, const std::string& value);

}  // namespace psc::cli
