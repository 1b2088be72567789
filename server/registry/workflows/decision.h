#pragma once
// The one flow every decision on a request takes (approving, declining or withdrawing a join
// request; accepting, declining or cancelling a sharing request). Internal to workflows/.

#include <functional>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "server/common/caller.h"
#include "server/common/status_macros.h"
#include "server/registry/fields/names.h"
#include "server/registry/workflows/workflow_steps.h"
#include "server/storage/store.h"

namespace psc::registry {

// What one decision on a `Request` (a child of a `Parent`) checks and changes.
template <typename Request, typename Parent>
struct Decision {
  const RecordKind& kind;         // the request's
  const RecordKind& parent_kind;  // its parent's: the initiative, the expert
  bool reason_required = false;   // a decline must say why
  // OK when `caller` may take the decision on `request` in its current state: PERMISSION_DENIED
  // for someone else, FAILED_PRECONDITION (INVALID_STATE) from a state it does not apply to.
  std::function<absl::Status(const Caller& caller, const Request& request, const Parent& parent)>
      check;
  // Sets the request's new state.
  std::function<void(Request* request)> decide;
  // Checks that read the group's other writes before the request is written (an expert's
  // capacity); none when null.
  std::function<absl::Status(storage::WriteTxn& txn, const Request& decided, const Parent& parent)>
      before_write;
  // Writes that follow from the decision, after the request's (a join adds a participant);
  // none when null.
  std::function<absl::Status(storage::WriteTxn& txn, const Caller& caller, const Request& before,
                             const Parent& parent, absl::Time now)>
      after_write;
};

// Takes `decision` on the request `name` for `caller`, in one commit: the reason's bounds and
// the name first (INVALID_ARGUMENT), then, on the stored request and its parent (NOT_FOUND),
// the decision's check, the etag (ABORTED, ETAG_MISMATCH), the new state with the reason and
// the decider, and the decision's own checks and writes. `done` gets the decided request.
template <typename Request, typename Parent>
void Decide(storage::Store* store, const Caller& caller, Decision<Request, Parent> decision,
            const std::string& name, const std::string& reason, const std::string& etag,
            RecordCallback done) {
  if (decision.reason_required && reason.empty()) {
    return std::move(done)(FieldError("reason", "is required to decline"));
  }
  if (reason.size() > 4000) return std::move(done)(FieldError("reason", "at most 4000 characters"));
  if (auto id = decision.kind.IdOfName(name, "name"); !id.ok()) return std::move(done)(id.status());
  auto result = std::make_shared<RecordPtr>();
  storage::Mutation mutation = [caller, decision = std::move(decision), name, reason, etag,
                                result](storage::WriteTxn& txn) -> absl::Status {
    PSC_ASSIGN_OR_RETURN(auto current, LoadNamed<Request>(txn, decision.kind, name));
    PSC_ASSIGN_OR_RETURN(auto parent,
                         LoadNamed<Parent>(txn, decision.parent_kind, ParentName(name)));
    PSC_RETURN_IF_ERROR(decision.check(caller, *current, *parent));
    PSC_RETURN_IF_ERROR(CheckEtag(*current, etag));
    auto decided = std::make_unique<Request>(*current);
    decision.decide(decided.get());
    decided->set_decision_reason(reason);
    decided->set_decided_by(caller.identity);
    if (decision.before_write) PSC_RETURN_IF_ERROR(decision.before_write(txn, *decided, *parent));
    const absl::Time now = absl::Now();
    StampAndWrite(txn, decision.kind, current.get(), decided.get(), caller, now);
    if (decision.after_write) {
      PSC_RETURN_IF_ERROR(decision.after_write(txn, caller, *current, *parent, now));
    }
    *result = std::move(decided);
    return absl::OkStatus();
  };
  store->Commit(std::move(mutation), Deliver(result, std::move(done)));
}

}  // namespace psc::registry
