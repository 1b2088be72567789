#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/common/caller.h"

namespace psc::auth {

// The principals file: which identity (client certificate URI SAN) has which role. Its format
// is psc.registry.v1.PrincipalsFile in protobuf's JSON mapping (proto/.../principal.proto).
// Immutable once parsed, so it is shared between threads freely.
class Principals {
 public:
  // Reads and checks `path`. INVALID_ARGUMENT naming the file and the entry on any problem:
  // bad JSON, an empty or repeated identity, a missing role, a collaborative missing for LEAD
  // and MEMBER or given for other roles.
  static absl::StatusOr<std::shared_ptr<const Principals>> Load(const std::string& path);
  static absl::StatusOr<std::shared_ptr<const Principals>> Parse(absl::string_view json,
                                                                 absl::string_view source);

  // The caller with `identity`, or nullopt when the file does not name it.
  std::optional<Caller> Find(absl::string_view identity) const;
  size_t size() const { return by_identity_.size(); }

 private:
  absl::flat_hash_map<std::string, Caller> by_identity_;
};

}  // namespace psc::auth
