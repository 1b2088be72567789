#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "psc/registry/v1/common.pb.h"
#include "server/common/errors.h"

namespace psc::registry {

// Collects field violations for the stateless rules of a resource. Each check appends at most
// one violation naming `path`.
class Validator {
 public:
  explicit Validator(std::vector<FieldViolation>* out) : out_(out) {}

  void Fail(std::string path, std::string description);

  // At most `max` characters (UTF-8 bytes), valid UTF-8; non-empty when `required`.
  void Text(absl::string_view path, absl::string_view value, size_t max, bool required = false);
  // At most `max_items` entries, each 1..`max_len` characters and distinct.
  void TextList(absl::string_view path, const google::protobuf::RepeatedPtrField<std::string>& list,
                int max_items, size_t max_len);
  // At most `max` entries.
  void Count(absl::string_view path, int count, int max);
  // A known value of `E`; not the zero value when `required`.
  template <typename E>
  void Enum(absl::string_view path, int value, bool required) {
    EnumImpl(path, value, google::protobuf::GetEnumDescriptor<E>(), required);
  }
  // A real calendar date when set.
  void Date(absl::string_view path, const v1::Date* date);
  // `end` not before `start` when both are set.
  void DateOrder(absl::string_view end_path, const v1::Date* start, const v1::Date* end);
  // http(s) URL of at most `max` characters, when set.
  void Url(absl::string_view path, absl::string_view value, size_t max);
  // Name, email and phone within bounds.
  void Contact(absl::string_view path, const v1::Contact& contact);
  // `collection/{id}` when set (or always when `required`).
  void Name(absl::string_view path, absl::string_view value, absl::string_view collection,
            bool required);
  // Whole numbers within [lo, hi].
  void Range(absl::string_view path, double value, double lo, double hi);

 private:
  void EnumImpl(absl::string_view path, int value, const google::protobuf::EnumDescriptor* type,
                bool required);

  std::vector<FieldViolation>* out_;
};

// "path[i]".
std::string Indexed(absl::string_view path, int i);
// "path.field".
std::string Sub(absl::string_view path, absl::string_view field);

}  // namespace psc::registry
