#include "server/registry/workflows/workflow_steps.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "psc/registry/v1/display_name.h"
#include "psc/registry/v1/measure.pb.h"
#include "psc/registry/v1/workflow.pb.h"
#include "server/common/errors.h"
#include "server/registry/fields/names.h"
#include "server/registry/records/record_layout.h"

namespace psc::registry {

absl::StatusOr<std::string> RequestingCollaborative(const Caller& caller,
                                                    const std::string& requested,
                                                    absl::string_view field) {
  if (caller.role == v1::ADMIN) {
    if (requested.empty()) return FieldError(field, "is required when an admin asks");
    return requested;
  }
  const std::string collaborative = requested.empty() ? caller.collaborative : requested;
  absl::Status allowed = RequireLeadOf(caller, collaborative, "ask on its behalf");
  if (!allowed.ok()) return allowed;
  return collaborative;
}

absl::StatusOr<std::string> NewRequestName(const Caller& caller, absl::string_view parent,
                                           absl::string_view collection,
                                           const RequestCreateOptions& options,
                                           absl::string_view id_field) {
  if (options.as_recorded && caller.role != v1::ADMIN) {
    return Error(absl::StatusCode::kPermissionDenied, "ROLE_NOT_ALLOWED",
                 absl::StrCat("only admins create requests as recorded (psc import); the caller "
                              "is ",
                              v1::DisplayName(caller.role)));
  }
  if (!options.id.empty() && !IsValidId(options.id)) {
    return FieldError(id_field,
                      "must be 1 to 63 of a-z, 0-9 and '-', starting with a letter and not "
                      "ending in '-'");
  }
  return absl::StrCat(parent, "/", collection, "/", options.id.empty() ? RandomId() : options.id);
}

absl::Status CheckNameFree(storage::WriteTxn& txn, const RecordKind& kind,
                           const std::string& name) {
  auto id = kind.IdOfName(name, "name");
  if (!id.ok()) return id.status();
  auto existing = LoadForWrite(txn, kind, *id);
  if (!existing.ok()) return existing.status();
  if (*existing == nullptr) return absl::OkStatus();
  return Error(absl::StatusCode::kAlreadyExists, "RESOURCE_EXISTS",
               absl::StrCat(name, " already exists"));
}

bool TakesPart(const v1::Initiative& i, absl::string_view collaborative) {
  return i.lead_collaborative() == collaborative ||
         std::find(i.participant_collaboratives().begin(), i.participant_collaboratives().end(),
                   collaborative) != i.participant_collaboratives().end();
}

absl::Status InvalidState(absl::string_view name, absl::string_view state,
                          absl::string_view action) {
  return Error(absl::StatusCode::kFailedPrecondition, "INVALID_STATE",
               absl::StrCat(name, " is ", state, ": it cannot be ", action));
}

absl::Status FieldError(absl::string_view field, absl::string_view description) {
  return ValidationError({{std::string(field), std::string(description)}});
}

absl::StatusOr<int> CountIndexed(storage::WriteTxn& txn, const RecordKind& kind,
                                 absl::string_view field, absl::string_view value) {
  const std::string prefix = IndexPrefix(kind.collection(), field, value, SortOrder::kName);
  int count = 0;
  absl::Status scanned =
      txn.Scan(storage::Family::kIndex, prefix, [&](absl::string_view, absl::string_view) {
        ++count;
        return true;
      });
  if (!scanned.ok()) return scanned;
  return count;
}

template <typename T>
absl::StatusOr<std::vector<T>> LoadIndexed(storage::WriteTxn& txn, const RecordKind& kind,
                                           absl::string_view field, absl::string_view value) {
  const std::string prefix = IndexPrefix(kind.collection(), field, value, SortOrder::kName);
  std::vector<std::string> ids;
  absl::Status scanned =
      txn.Scan(storage::Family::kIndex, prefix, [&](absl::string_view key, absl::string_view) {
        std::string id;
        if (IdFromIndexSuffix(key.substr(prefix.size()), SortOrder::kName, &id)) {
          ids.push_back(std::move(id));
        }
        return true;
      });
  if (!scanned.ok()) return scanned;
  std::vector<T> out;
  for (const std::string& id : ids) {
    auto loaded = LoadForWrite(txn, kind, id);
    if (!loaded.ok()) return loaded.status();
    if (*loaded != nullptr) out.push_back(static_cast<const T&>(**loaded));
  }
  return out;
}

template absl::StatusOr<std::vector<v1::JoinRequest>> LoadIndexed<v1::JoinRequest>(
    storage::WriteTxn&, const RecordKind&, absl::string_view, absl::string_view);
template absl::StatusOr<std::vector<v1::SharingRequest>> LoadIndexed<v1::SharingRequest>(
    storage::WriteTxn&, const RecordKind&, absl::string_view, absl::string_view);
template absl::StatusOr<std::vector<v1::MeasureSeries>> LoadIndexed<v1::MeasureSeries>(
    storage::WriteTxn&, const RecordKind&, absl::string_view, absl::string_view);

}  // namespace psc::registry
