#pragma once
// The JSON objects of OpenID Connect (provider metadata, key sets, token replies, claims), read
// with protobuf's JSON mapping into a google.protobuf.Struct.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"

namespace psc::web::oidc {

using JsonObject = google::protobuf::Struct;

// `text` as a JSON object; INVALID_ARGUMENT when it is not one, naming `what`.
absl::StatusOr<JsonObject> ParseJsonObject(absl::string_view text, absl::string_view what);

// `key`'s value when it is a string, else "".
std::string StringField(const JsonObject& object, absl::string_view key);
// `key`'s value when it is a number, else nullopt.
std::optional<double> NumberField(const JsonObject& object, absl::string_view key);
// `key`'s value as strings: one string, or each string of a list; else none.
std::vector<std::string> StringsField(const JsonObject& object, absl::string_view key);
// Whether `key` is present at all.
bool HasField(const JsonObject& object, absl::string_view key);

}  // namespace psc::web::oidc
