#include "server/registry/fields/names.h"

#include <vector>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/common/errors.h"
#include "server/common/utf8.h"

namespace psc::registry {

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  if (id.front() < 'a' || id.front() > 'z' || id.back() == '-') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::string RandomId() {
  static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz";
  static constexpr char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local absl::BitGen gen;
  std::string id(1, kLetters[absl::Uniform(gen, 0u, 26u)]);
  for (int i = 1; i < 12; ++i) id.push_back(kAlnum[absl::Uniform(gen, 0u, 36u)]);
  return id;
}

std::string ResourceName(absl::string_view collection, absl::string_view id) {
  return absl::StrCat(collection, "/", id);
}

bool IsNameIn(absl::string_view name, absl::string_view collection) {
  return name.size() > collection.size() + 1 && absl::StartsWith(name, collection) &&
         name[collection.size()] == '/' && IsValidId(name.substr(collection.size() + 1));
}

absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view collection,
                                      absl::string_view field) {
  if (!IsNameIn(name, collection)) {
    return ArgumentError(
        field, "INVALID_NAME",
        absl::StrCat("\"", CharacterPrefix(name, 200), "\" is not a resource name of the form ",
                     collection, "/{id}"));
  }
  return std::string(name.substr(collection.size() + 1));
}

absl::StatusOr<std::string> ParseChildName(absl::string_view name, absl::string_view parent,
                                           absl::string_view child, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != parent || parts[2] != child || !IsValidId(parts[1]) ||
      !IsValidId(parts[3])) {
    return ArgumentError(
        field, "INVALID_NAME",
        absl::StrCat("\"", CharacterPrefix(name, 200), "\" is not a resource name of the form ",
                     parent, "/{id}/", child, "/{id}"));
  }
  return absl::StrCat(parts[1], "/", parts[3]);
}

std::string ParentName(absl::string_view child_name) {
  std::vector<absl::string_view> parts = absl::StrSplit(child_name, '/');
  return parts.size() == 4 ? absl::StrCat(parts[0], "/", parts[1]) : "";
}

}  // namespace psc::registry
