#pragma once
// Join and sharing requests in `psc export` / `psc import` files. An export writes every
// request the caller may read, with its state; an import creates each missing one as recorded
// (CreateJoinRequestRequest.as_recorded: admins only), keeping its name, state and decision, and
// never changes one that is there: requests change only through their workflow.

#include <map>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "psc/client/registry_client.h"

namespace psc::cli {

enum class ImportOutcome { kCreated, kUpdated, kUnchanged };

// How each kind of request is listed and created (request_transfer.cc).
template <typename T>
struct RequestTraits;

// Writes every join request, then every sharing request, as RegistryRecord JSON lines to
// `out`, oldest first; says how many on `progress`.
absl::Status ExportRequests(client::RegistryClient& client, std::ostream& out,
                            std::ostream& progress);

// Imports requests, reading each parent's existing requests once. Not thread-safe.
class RequestImporter {
 public:
  explicit RequestImporter(client::RegistryClient& client) : client_(client) {}

  // kCreated, or kUnchanged when a request of that name holds the same fields (server times
  // and etag aside); FAILED_PRECONDITION (REQUEST_DIFFERS) when it holds others. NOT_FOUND or
  // FAILED_PRECONDITION (REFERENCE_NOT_FOUND) while its parent or references are missing.
  absl::StatusOr<ImportOutcome> Import(const registry::v1::JoinRequest& request);
  absl::StatusOr<ImportOutcome> Import(const registry::v1::SharingRequest& request);

 private:
  // One parent's requests by name, read on first need.
  template <typename T>
  struct Known {
    bool loaded = false;
    std::map<std::string, T> by_name;
  };
  template <typename T>
  absl::StatusOr<ImportOutcome> ImportInto(const T& request, Known<T>& known);

  client::RegistryClient& client_;
  std::map<std::string, Known<registry::v1::JoinRequest>> joins_;  // by parent
  std::map<std::string, Known<registry::v1::SharingRequest>> sharings_;
};

}  // namespace psc::cli
