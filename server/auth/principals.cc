#include "server/auth/principals.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "psc/registry/v1/principal.pb.h"

namespace psc::auth {

namespace v1 = registry::v1;

absl::StatusOr<std::shared_ptr<const Principals>> Principals::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read principals file ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

absl::StatusOr<std::shared_ptr<const Principals>> Principals::Parse(absl::string_view json,
                                                                    absl::string_view source) {
  v1::PrincipalsFile file;
  auto parsed = google::protobuf::util::JsonStringToMessage(std::string(json), &file);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": not a principals file: ", std::string(parsed.message())));
  }
  auto principals = std::make_shared<Principals>();
  for (int i = 0; i < file.principals_size(); ++i) {
    const v1::Principal& p = file.principals(i);
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": principals[", i, "] (\"", p.identity(), "\"): ", why));
    };
    if (p.identity().empty()) return bad("identity is required");
    if (p.role() == v1::ROLE_UNSPECIFIED) return bad("role is required");
    bool needs_collaborative = p.role() == v1::LEAD || p.role() == v1::MEMBER;
    if (needs_collaborative && !absl::StartsWith(p.collaborative(), "collaboratives/")) {
      return bad("LEAD and MEMBER need a collaborative, collaboratives/{id}");
    }
    if (!needs_collaborative && !p.collaborative().empty()) {
      return bad("only LEAD and MEMBER have a collaborative");
    }
    Caller caller{p.identity(), p.role(), p.collaborative()};
    if (!principals->by_identity_.emplace(p.identity(), std::move(caller)).second) {
      return bad("identity appears twice");
    }
  }
  return std::shared_ptr<const Principals>(std::move(principals));
}

std::optional<Caller> Principals::Find(absl::string_view identity) const {
  auto it = by_identity_.find(identity);
  if (it == by_identity_.end()) return std::nullopt;
  return it->second;
}

}  // namespace psc::auth
