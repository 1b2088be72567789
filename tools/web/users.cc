#include "tools/web/users.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace psc::web {

absl::StatusOr<Users> Users::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the users file ", path));
  std::stringstream text;
  text << in.rdbuf();
  config::UsersFile file;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &file, options);
      !parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a users file: ", std::string(parsed.message())));
  }
  auto users = FromProto(std::move(file));
  if (!users.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", users.status().message()));
  }
  return users;
}

absl::StatusOr<Users> Users::FromProto(config::UsersFile file) {
  Users users;
  for (config::User& user : *file.mutable_users()) {
    const size_t index = users.users_.size();
    if (user.user().empty() == user.group().empty() || user.principal().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "users[", index, "] needs a \"principal\" and one of \"user\" or \"group\""));
    }
    auto& names = user.user().empty() ? users.by_group_ : users.by_user_;
    const std::string& name = user.user().empty() ? user.group() : user.user();
    if (!names.emplace(name, index).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("users[", index, "]: \"", name, "\" is named twice"));
    }
    users.by_principal_.emplace(user.principal(), index);  // the first wins for the dev login
    if (user.display_name().empty()) {
      user.set_display_name(user.user().empty() ? user.group() : user.user());
    }
    users.users_.push_back(std::move(user));
  }
  return users;
}

const config::User* Users::Find(absl::string_view user) const {
  auto it = by_user_.find(user);
  return it == by_user_.end() ? nullptr : &users_[it->second];
}

const config::User* Users::FindGroup(const std::vector<std::string>& groups) const {
  const config::User* first = nullptr;
  for (const std::string& group : groups) {
    auto it = by_group_.find(group);
    if (it != by_group_.end() && (first == nullptr || &users_[it->second] < first)) {
      first = &users_[it->second];
    }
  }
  return first;
}

const config::User* Users::FindByPrincipal(absl::string_view principal) const {
  auto it = by_principal_.find(principal);
  return it == by_principal_.end() ? nullptr : &users_[it->second];
}

}  // namespace psc::web
