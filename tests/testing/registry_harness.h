#pragma once
// A registry over an in-memory store, for unit tests of the domain layer: no server, no disk.
// MemoryStore completes every write on the calling thread, so the synchronous helpers below
// return the write's result directly.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/registry/records/registry.h"
#include "tests/testing/memory_store.h"
#include "tests/testing/resources.h"

namespace psc::testing {

// A LEAD or MEMBER of `collaboratives/{id}`.
inline Caller LeadOf(const std::string& id) {
  return Caller{absl::StrCat("spiffe://test/", id, "/lead"), registry::v1::LEAD,
                absl::StrCat("collaboratives/", id)};
}
inline Caller AtlasCaller() { return Caller{"spiffe://test/atlas", registry::v1::ATLAS, ""}; }

// Runs a registry write that takes a RecordCallback and returns its result as T.
template <typename T, typename Write>
absl::StatusOr<T> Written(Write write) {
  absl::StatusOr<registry::RecordPtr> out = absl::UnknownError("the write never completed");
  write([&out](absl::StatusOr<registry::RecordPtr> result) { out = std::move(result); });
  if (!out.ok()) return out.status();
  return static_cast<const T&>(**out);
}

class RegistryHarness {
 public:
  explicit RegistryHarness(registry::RegistryOptions options = {})
      : registry_(*registry::Registry::Open(&store_, options)) {}

  MemoryStore& store() { return store_; }
  registry::Registry& registry() { return *registry_; }

  template <typename T>
  absl::StatusOr<T> Create(const Caller& caller, const registry::RecordKind& kind,
                           const T& resource, const std::string& id) {
    return Written<T>([&](registry::RecordCallback done) {
      registry_->Create(caller, kind, std::make_unique<T>(resource), {id, ""}, std::move(done));
    });
  }
  template <typename T>
  absl::StatusOr<T> Get(const Caller& caller, const registry::RecordKind& kind,
                        const std::string& name) {
    auto found = registry_->Get(caller, kind, name);
    if (!found.ok()) return found.status();
    return static_cast<const T&>(**found);
  }
  absl::Status Delete(const Caller& caller, const registry::RecordKind& kind,
                      const std::string& name) {
    absl::Status out = absl::UnknownError("the delete never completed");
    registry_->Delete(caller, kind, name, "", [&out](absl::Status s) { out = std::move(s); });
    return out;
  }
  // Creates collaboratives/{id} as an admin.
  void AddCollaborative(const std::string& id) {
    auto c = Create(Caller::Admin(), registry::CollaborativeKind(), MakeCollaborative(id), id);
    if (!c.ok()) std::abort();
  }

 private:
  MemoryStore store_;
  std::unique_ptr<registry::Registry> registry_;
};

}  // namespace psc::testing
