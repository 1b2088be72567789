#pragma once
// Steps the workflow operations share: the requesting collaborative, loading a typed record
// inside a transaction, and the errors they report (who may act: access/access_policy.h). Internal
// to server/registry.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "psc/registry/v1/initiative.pb.h"
#include "server/common/caller.h"
#include "server/registry/access/access_policy.h"
#include "server/registry/kinds/record_kind.h"
#include "server/registry/records/record_writer.h"
#include "server/registry/workflows/workflows.h"
#include "server/storage/write_txn.h"

namespace psc::registry {

// The requesting collaborative of a new request: the caller's own (a lead's), or the one an
// admin names. INVALID_ARGUMENT when an admin names none; errors of RequireLeadOf otherwise.
absl::StatusOr<std::string> RequestingCollaborative(const Caller& caller,
                                                    const std::string& requested,
                                                    absl::string_view field);

// The name of a new request under `parent`: `{parent}/{collection}/{options.id}`, or a random
// id. INVALID_ARGUMENT (VALIDATION_FAILED on `id_field`) for a bad id; PERMISSION_DENIED
// (ROLE_NOT_ALLOWED) for a request as recorded from anyone but an admin.
absl::StatusOr<std::string> NewRequestName(const Caller& caller, absl::string_view parent,
                                           absl::string_view collection,
                                           const RequestCreateOptions& options,
                                           absl::string_view id_field);

// ALREADY_EXISTS (RESOURCE_EXISTS) when a `kind` record named `name` is stored.
absl::Status CheckNameFree(storage::WriteTxn& txn, const RecordKind& kind, const std::string& name);

// Whether `collaborative` leads or takes part in `initiative`.
bool TakesPart(const v1::Initiative& initiative, absl::string_view collaborative);

// FAILED_PRECONDITION, reason INVALID_STATE.
absl::Status InvalidState(absl::string_view name, absl::string_view state,
                          absl::string_view action);

// INVALID_ARGUMENT (VALIDATION_FAILED) for one field.
absl::Status FieldError(absl::string_view field, absl::string_view description);

// The stored `name` of `kind` as T; NOT_FOUND when absent, INVALID_ARGUMENT for a bad name.
template <typename T>
absl::StatusOr<std::unique_ptr<T>> LoadNamed(storage::WriteTxn& txn, const RecordKind& kind,
                                             absl::string_view name) {
  auto id = kind.IdOfName(name, "name");
  if (!id.ok()) return id.status();
  auto loaded = LoadForWrite(txn, kind, *id);
  if (!loaded.ok()) return loaded.status();
  if (*loaded == nullptr) return NotFound(name);
  return std::unique_ptr<T>(static_cast<T*>(loaded->release()));
}

// How many stored records of `kind` are indexed under (field, value), without loading them.
absl::StatusOr<int> CountIndexed(storage::WriteTxn& txn, const RecordKind& kind,
                                 absl::string_view field, absl::string_view value);

// Every stored record of `kind` indexed under (field, value), as T, oldest name first; sees
// the writes made earlier in the same commit group.
template <typename T>
absl::StatusOr<std::vector<T>> LoadIndexed(storage::WriteTxn& txn, const RecordKind& kind,
                                           absl::string_view field, absl::string_view value);

}  // namespace psc::registry
