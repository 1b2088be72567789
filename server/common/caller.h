#pragma once

#include <string>

#include "psc/registry/v1/principal.pb.h"

namespace psc {

// Who is making a call: the identity from their client certificate, and the role and
// collaborative the principals file gives it.
struct Caller {
  std::string identity;
  registry::v1::Role role = registry::v1::ROLE_UNSPECIFIED;
  std::string collaborative;  // "collaboratives/{id}" for LEAD and MEMBER, else ""
  // The identity of the gateway the call came through (on behalf of `identity`), or "" for a
  // direct call.
  std::string channel;

  // A caller with every right, for tools and tests that act as the national team.
  static Caller Admin(std::string identity = "internal") {
    return Caller{std::move(identity), registry::v1::ADMIN, ""};
  }
};

}  // namespace psc
