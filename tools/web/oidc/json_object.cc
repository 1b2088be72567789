#include "tools/web/oidc/json_object.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace psc::web::oidc {
namespace {

const google::protobuf::Value* Find(const JsonObject& object, absl::string_view key) {
  auto it = object.fields().find(std::string(key));
  return it == object.fields().end() ? nullptr : &it->second;
}

}  // namespace

absl::StatusOr<JsonObject> ParseJsonObject(absl::string_view text, absl::string_view what) {
  JsonObject object;
  if (auto parsed = google::protobuf::util::JsonStringToMessage(std::string(text), &object);
      !parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is not a JSON object"));
  }
  return object;
}

std::string StringField(const JsonObject& object, absl::string_view key) {
  const google::protobuf::Value* value = Find(object, key);
  return value != nullptr && value->has_string_value() ? value->string_value() : "";
}

std::optional<double> NumberField(const JsonObject& object, absl::string_view key) {
  const google::protobuf::Value* value = Find(object, key);
  if (value == nullptr || !value->has_number_value()) return std::nullopt;
  return value->number_value();
}

std::vector<std::string> StringsField(const JsonObject& object, absl::string_view key) {
  const google::protobuf::Value* value = Find(object, key);
  std::vector<std::string> out;
  if (value == nullptr) return out;
  if (value->has_string_value()) out.push_back(value->string_value());
  if (value->has_list_value()) {
    for (const google::protobuf::Value& item : value->list_value().values()) {
      if (item.has_string_value()) out.push_back(item.string_value());
    }
  }
  return out;
}

bool HasField(const JsonObject& object, absl::string_view key) {
  return Find(object, key) != nullptr;
}

}  // namespace psc::web::oidc
