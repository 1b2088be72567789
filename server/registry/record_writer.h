#pragma once

// Steps of a write that run inside a store transaction (on the committer thread).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "psc/registry/v1/change.pb.h"
#include "server/registry/resource_kind.h"
#include "server/storage/write_txn.h"

namespace psc::registry {

// The stored resource `id` of `kind`, or nullptr when absent.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> LoadForWrite(storage::WriteTxn& txn,
                                                                        const ResourceKind& kind,
                                                                        absl::string_view id);

// OK when every reference of `resource` names an existing resource; else FAILED_PRECONDITION,
// reason REFERENCE_NOT_FOUND, with a violation per missing one under `kind.singular()`.
absl::Status CheckReferences(storage::WriteTxn& txn, const ResourceKind& kind,
                             const google::protobuf::Message& resource);

// Writes the change from `before` to `after` (either may be null, not both): the record, its
// index entries and references, and the change-log entry under txn.sequence().
void WriteChange(storage::WriteTxn& txn, const ResourceKind& kind,
                 const google::protobuf::Message* before, const google::protobuf::Message* after,
                 absl::string_view actor, absl::Time now);

}  // namespace psc::registry
