#pragma once

// Steps of a write that run inside a store transaction (on the committer thread).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "psc/registry/v1/change.pb.h"
#include "server/common/caller.h"
#include "server/registry/kinds/record_kind.h"
#include "server/registry/records/callbacks.h"
#include "server/storage/store.h"
#include "server/storage/write_txn.h"

namespace psc::registry {

// The stored resource `id` of `kind`, or nullptr when absent.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> LoadForWrite(storage::WriteTxn& txn,
                                                                        const RecordKind& kind,
                                                                        absl::string_view id);

// The stored record `name` of any kind (nullptr when absent or of no kind), as the
// StoredRecordLoader of kinds' CheckStored.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> LoadByName(storage::WriteTxn& txn,
                                                                      absl::string_view name);

// OK when every reference of `resource` names an existing resource; else FAILED_PRECONDITION,
// reason REFERENCE_NOT_FOUND, with a violation per missing one under `kind.singular()`.
absl::Status CheckReferences(storage::WriteTxn& txn, const RecordKind& kind,
                             const google::protobuf::Message& resource);

// Writes the change from `before` to `after` (either may be null, not both): the record, its
// index entries and references, and the change-log entry under txn.sequence().
void WriteChange(storage::WriteTxn& txn, const RecordKind& kind,
                 const google::protobuf::Message* before, const google::protobuf::Message* after,
                 const Caller& actor, absl::Time now);

// The most records a delete takes with it (KindSpec::deleted_with_referents) in one commit.
inline constexpr size_t kMaxDependents = 10000;

// Deletes `current`, a stored record of `kind`, as `actor`, with the records that go with it
// (KindSpec::deleted_with_referents), each its own DELETED change, all in `txn`. Nothing is
// written on error: FAILED_PRECONDITION, reason RESOURCE_IN_USE, when any other record refers
// to it; reason TOO_MANY_DEPENDENTS beyond kMaxDependents.
absl::Status DeleteWithDependents(storage::WriteTxn& txn, const RecordKind& kind,
                                  const google::protobuf::Message& current, const Caller& actor,
                                  absl::Time now);

// Validation failures of `resource`, with paths under the request field (kind.singular()).
std::vector<FieldViolation> Violations(const RecordKind& kind,
                                       const google::protobuf::Message& resource);

// NOT_FOUND, reason RESOURCE_NOT_FOUND: "`name` does not exist".
absl::Status NotFound(absl::string_view name);

// OK when `etag` is empty or current; else ABORTED, reason ETAG_MISMATCH.
absl::Status CheckEtag(const google::protobuf::Message& current, absl::string_view etag);

// Stamps `after` (times, etag = this change's sequence) and writes the change from `before`
// (null on create), as `actor`.
void StampAndWrite(storage::WriteTxn& txn, const RecordKind& kind,
                   const google::protobuf::Message* before, google::protobuf::Message* after,
                   const Caller& actor, absl::Time now);

// A commit callback that completes `done` with `*result` once the store has committed, or
// with the commit's error.
storage::CommitCallback Deliver(std::shared_ptr<RecordPtr> result, RecordCallback done);

// What a mutation returns, with `result` set, when it only validated: the commit fails, so
// nothing is written, and Deliver passes on the result as if it had been.
absl::Status ValidatedOnly();

}  // namespace psc::registry
