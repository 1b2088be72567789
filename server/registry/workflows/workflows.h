#pragma once
// Collaboration workflows: join requests, leaving, review decisions and expert
// sharing requests. Each operation is one store mutation, so its checks (state, authority,
// capacity) are atomic with its writes; a decision that changes two resources (approving a
// join adds a participant) logs both under consecutive sequences in one commit.
//
// Authority: requesters act as a LEAD of the requesting collaborative; deciders as a LEAD of
// the collaborative owning the parent (the initiative's lead, the expert's home); ADMIN may do
// anything. Otherwise PERMISSION_DENIED: ROLE_NOT_ALLOWED for other roles, NOT_OWNER for a
// lead of another collaborative. A decision the request's state does not allow is
// FAILED_PRECONDITION, reason INVALID_STATE. Thread-safe; callbacks run as callbacks.h says.

#include <string>

#include "psc/registry/v1/workflow.pb.h"
#include "server/common/caller.h"
#include "server/registry/records/callbacks.h"
#include "server/registry/records/registry.h"
#include "server/storage/store.h"

namespace psc::registry {

// How a request is created: its id (an RFC-1034 label; random when empty), and whether it is
// written as recorded in an export (admins only: its state and decision as given, without the
// workflow's side effects or its checks on who takes part; references must exist).
struct RequestCreateOptions {
  std::string id;
  bool as_recorded = false;
};

enum class JoinDecision { kApprove, kDecline, kWithdraw };
enum class SharingDecision { kAccept, kDecline, kCancel };

class Workflows {
 public:
  // Both must outlive the Workflows.
  Workflows(storage::Store* store, const Registry* registry) : store_(store), registry_(registry) {}

  // Creates a pending join request under `parent` (`initiatives/{id}`). ALREADY_EXISTS
  // (REQUEST_PENDING) when the collaborative has one pending; FAILED_PRECONDITION
  // (ALREADY_PARTICIPANT) when it leads or takes part.
  void CreateJoinRequest(const Caller& caller, const std::string& parent, v1::JoinRequest request,
                         const RequestCreateOptions& options, RecordCallback done);
  // Approve (the requester becomes a participant), decline (reason required) or withdraw.
  void DecideJoinRequest(const Caller& caller, JoinDecision decision, const std::string& name,
                         const std::string& reason, const std::string& etag, RecordCallback done);
  // Removes `collaborative` (default: the caller's) from the participants; FAILED_PRECONDITION
  // (NOT_A_PARTICIPANT) when it is not one.
  void LeaveInitiative(const Caller& caller, const std::string& name, std::string collaborative,
                       RecordCallback done);
  // Records a review decision; STOP needs a rationale and stops the initiative.
  void ReviewInitiative(const Caller& caller, const std::string& name, v1::ReviewOutcome outcome,
                        const std::string& rationale, RecordCallback done);

  // Creates a pending sharing request under `parent` (`experts/{id}`). FAILED_PRECONDITION
  // (NOT_SHAREABLE) for another collaborative's expert who is not shareable.
  void CreateSharingRequest(const Caller& caller, const std::string& parent,
                            v1::SharingRequest request, const RequestCreateOptions& options,
                            RecordCallback done);
  // Accept (FAILED_PRECONDITION, OVERBOOKED, when a month of the period would exceed the days
  // the expert offers), decline (reason required) or cancel (by the requester).
  void DecideSharingRequest(const Caller& caller, SharingDecision decision, const std::string& name,
                            const std::string& reason, const std::string& etag,
                            RecordCallback done);
  // Records the days delivered (0..days_per_month * months) and feedback of an accepted request.
  void CompleteSharingRequest(const Caller& caller, const std::string& name, int days_delivered,
                              const std::string& feedback, const std::string& etag,
                              RecordCallback done);

  // Requests under an initiative or expert `parent` (`initiatives/-`, `experts/-`: under every
  // one), or a collaborative's OUTGOING or INCOMING ones; oldest first. INVALID_ARGUMENT for
  // another parent or a missing direction.
  absl::StatusOr<ListPage> ListJoinRequests(const Caller& caller, const std::string& parent,
                                            v1::Direction direction, int page_size,
                                            const std::string& page_token) const;
  absl::StatusOr<ListPage> ListSharingRequests(const Caller& caller, const std::string& parent,
                                               v1::Direction direction, int page_size,
                                               const std::string& page_token) const;

 private:
  storage::Store* store_;
  const Registry* registry_;
};

}  // namespace psc::registry
