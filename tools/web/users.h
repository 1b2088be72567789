#pragma once
// psc-web's users file (--users, users.proto): the people psc-web serves and the pscd
// principal each one acts as.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/web/users.pb.h"

namespace psc::web {

// Immutable once loaded; thread-safe.
class Users {
 public:
  // Reads and checks `path`: INVALID_ARGUMENT naming the line's problem (JSON that does not
  // parse, unknown fields, an entry without a principal or with not exactly one of user and
  // group, a user or group named twice);
  // NOT_FOUND when the file cannot be read.
  static absl::StatusOr<Users> Load(const std::string& path);
  // The users of an already parsed file, checked as Load does.
  static absl::StatusOr<Users> FromProto(config::UsersFile file);

  // The entry naming `user` (as the proxy or the provider named them), or nullptr.
  const config::User* Find(absl::string_view user) const;
  // The first entry in file order naming one of `groups`, or nullptr.
  const config::User* FindGroup(const std::vector<std::string>& groups) const;
  // The user whose principal is `principal` (for the dev login), or nullptr.
  const config::User* FindByPrincipal(absl::string_view principal) const;
  // Every user, in file order.
  const std::vector<config::User>& all() const { return users_; }

 private:
  std::vector<config::User> users_;
  std::map<std::string, size_t, std::less<>> by_user_;
  std::map<std::string, size_t, std::less<>> by_group_;
  std::map<std::string, size_t, std::less<>> by_principal_;
};

}  // namespace psc::web
