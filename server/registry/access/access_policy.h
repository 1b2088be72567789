#pragma once

// Who may do what to which record (docs/security.md). Every function returns OK or
// PERMISSION_DENIED with a reason; none looks at storage. Permission checks come before
// existence checks: CheckOperation needs no record at all.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "psc/registry/v1/change.pb.h"
#include "server/common/caller.h"
#include "server/registry/access/visibility.h"
#include "server/registry/kinds/record_kind.h"

namespace psc::registry {

enum class Operation { kRead, kCreate, kUpdate, kDelete, kHistory };

// Whether the caller's role may use `op` on `kind` at all (ROLE_NOT_ALLOWED). Reading is
// allowed when Visibility::For(caller, kind) is readable; which records are visible is its
// business (visibility.h); records a caller may not see are reported as not found.
absl::Status CheckOperation(const Caller& caller, const RecordKind& kind, Operation op);

// Removes the personal data the caller may not see (READER and ATLAS).
void Redact(const Caller& caller, const RecordKind& kind, google::protobuf::Message* resource);

// The event of `change` as `caller` may receive it from the change feed, or nullopt when the
// caller may see neither the resource before nor after the change. A change that hides a
// resource from the caller (a published case study withdrawn, for ATLAS) becomes a removal:
// a DELETED tombstone. Personal data is redacted as for reads.
std::optional<v1::ChangeEvent> FeedEventFor(const Caller& caller, const RecordKind& kind,
                                            const v1::StoredChange& change);

// Create: a LEAD or MEMBER creates records owned by their collaborative (an empty owner field
// is filled with it; another is NOT_OWNER); a MEMBER only drafts (NOT_A_DRAFT).
absl::Status AuthorizeCreate(const Caller& caller, const RecordKind& kind,
                             google::protobuf::Message* resource);

// Update of `before` into `after`: the owner's LEAD may change anything but the owner; a
// participant's LEAD only the kind's participant fields (LEAD_ONLY_FIELD); the owner's MEMBER
// only drafts that stay drafts.
absl::Status AuthorizeUpdate(const Caller& caller, const RecordKind& kind,
                             const google::protobuf::Message& before,
                             const google::protobuf::Message& after);

// Delete: admins, and the owner's LEAD.
absl::Status AuthorizeDelete(const Caller& caller, const RecordKind& kind,
                             const google::protobuf::Message& current);

// OK for an ADMIN or a LEAD of `collaborative`; PERMISSION_DENIED otherwise (ROLE_NOT_ALLOWED
// for other roles, NOT_OWNER for a lead of another collaborative). `action` completes
// "only a lead of X may ...".
absl::Status RequireLeadOf(const Caller& caller, absl::string_view collaborative,
                           absl::string_view action);

// OK for an ADMIN or a LEAD of one of `a` or `b`; errors as RequireLeadOf.
absl::Status RequireLeadOfEither(const Caller& caller, absl::string_view a, absl::string_view b,
                                 absl::string_view action);

}  // namespace psc::registry
