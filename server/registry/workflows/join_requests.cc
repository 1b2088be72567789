// Workflows on initiatives: join requests, leaving, review decisions (workflows.h).

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "psc/registry/v1/initiative.pb.h"
#include "server/common/errors.h"
#include "server/common/status_macros.h"
#include "server/registry/fields/names.h"
#include "server/registry/fields/resource_fields.h"
#include "server/registry/workflows/decision.h"
#include "server/registry/workflows/workflow_steps.h"
#include "server/registry/workflows/workflows.h"

namespace psc::registry {
namespace {

using storage::WriteTxn;

std::string StateName(v1::JoinRequestState state) {
  return v1::JoinRequestState_Name(state).substr(5);  // JOIN_PENDING -> PENDING
}

// Writes `updated` over `current`, the initiative's change, after its lifecycle rules.
absl::Status WriteInitiative(WriteTxn& txn, const Caller& caller, const v1::Initiative& current,
                             v1::Initiative* updated, absl::Time now) {
  InitiativeKind().Derive(updated);
  PSC_RETURN_IF_ERROR(InitiativeKind().CheckWrite(caller, &current, *updated));
  StampAndWrite(txn, InitiativeKind(), &current, updated, caller, now);
  return absl::OkStatus();
}

}  // namespace

void Workflows::CreateJoinRequest(const Caller& caller, const std::string& parent,
                                  v1::JoinRequest request, const RequestCreateOptions& options,
                                  RecordCallback done) {
  auto parent_id = InitiativeKind().IdOfName(parent, "parent");
  if (!parent_id.ok()) return std::move(done)(parent_id.status());
  auto name = NewRequestName(caller, parent, "joinRequests", options, "join_request_id");
  if (!name.ok()) return std::move(done)(name.status());
  auto requester = RequestingCollaborative(caller, request.requesting_collaborative(),
                                           "join_request.requesting_collaborative");
  if (!requester.ok()) return std::move(done)(requester.status());
  v1::JoinRequest fresh;
  fresh.set_name(*name);
  fresh.set_requesting_collaborative(*requester);
  fresh.set_message(request.message());
  fresh.set_proposed_role(request.proposed_role());
  fresh.set_state(v1::JOIN_PENDING);
  if (options.as_recorded) {
    fresh.set_state(request.state());
    fresh.set_decision_reason(request.decision_reason());
    fresh.set_decided_by(request.decided_by());
    fresh.set_lead_collaborative(request.lead_collaborative());
  }
  if (auto violations = Violations(JoinRequestKind(), fresh); !violations.empty()) {
    return std::move(done)(ValidationError(violations));
  }
  auto result = std::make_shared<RecordPtr>();
  storage::Mutation mutation = [caller, parent, fresh, as_recorded = options.as_recorded,
                                result](WriteTxn& txn) -> absl::Status {
    PSC_ASSIGN_OR_RETURN(auto initiative, LoadNamed<v1::Initiative>(txn, InitiativeKind(), parent));
    PSC_RETURN_IF_ERROR(CheckNameFree(txn, JoinRequestKind(), fresh.name()));
    const std::string& requester = fresh.requesting_collaborative();
    if (!as_recorded && TakesPart(*initiative, requester)) {
      return Error(absl::StatusCode::kFailedPrecondition, "ALREADY_PARTICIPANT",
                   absl::StrCat(requester, " already takes part in ", parent));
    }
    PSC_ASSIGN_OR_RETURN(
        auto existing, LoadIndexed<v1::JoinRequest>(txn, JoinRequestKind(), "initiative", parent));
    for (const v1::JoinRequest& r : existing) {
      if (fresh.state() == v1::JOIN_PENDING && r.requesting_collaborative() == requester &&
          r.state() == v1::JOIN_PENDING) {
        return Error(absl::StatusCode::kAlreadyExists, "REQUEST_PENDING",
                     absl::StrCat(requester, " already has a pending request to join ", parent,
                                  ": ", r.name()));
      }
    }
    auto created = std::make_unique<v1::JoinRequest>(fresh);
    if (created->lead_collaborative().empty()) {
      created->set_lead_collaborative(initiative->lead_collaborative());
    }
    PSC_RETURN_IF_ERROR(CheckReferences(txn, JoinRequestKind(), *created));
    StampAndWrite(txn, JoinRequestKind(), nullptr, created.get(), caller, absl::Now());
    *result = std::move(created);
    return absl::OkStatus();
  };
  store_->Commit(std::move(mutation), Deliver(result, std::move(done)));
}

void Workflows::DecideJoinRequest(const Caller& caller, JoinDecision decision,
                                  const std::string& name, const std::string& reason,
                                  const std::string& etag, RecordCallback done) {
  static constexpr const char* kVerbs[] = {"approved", "declined", "withdrawn"};
  static constexpr v1::JoinRequestState kStates[] = {v1::JOIN_APPROVED, v1::JOIN_DECLINED,
                                                     v1::JOIN_WITHDRAWN};
  const int d = static_cast<int>(decision);
  Decision<v1::JoinRequest, v1::Initiative> rule{
      .kind = JoinRequestKind(),
      .parent_kind = InitiativeKind(),
      .reason_required = decision == JoinDecision::kDecline,
      .check =
          [decision, name, verb = kVerbs[d]](const Caller& caller, const v1::JoinRequest& request,
                                             const v1::Initiative& initiative) {
            PSC_RETURN_IF_ERROR(
                decision == JoinDecision::kWithdraw
                    ? RequireLeadOf(caller, request.requesting_collaborative(),
                                    "withdraw its join request")
                    : RequireLeadOf(caller, initiative.lead_collaborative(),
                                    absl::StrCat("decide who joins ", initiative.name())));
            if (request.state() != v1::JOIN_PENDING) {
              return InvalidState(name, StateName(request.state()), verb);
            }
            return absl::OkStatus();
          },
      .decide = [state = kStates[d]](v1::JoinRequest* request) { request->set_state(state); },
  };
  if (decision == JoinDecision::kApprove) {
    // The requester takes part from the same commit on.
    rule.after_write = [](WriteTxn& txn, const Caller& caller, const v1::JoinRequest& request,
                          const v1::Initiative& initiative, absl::Time now) {
      if (TakesPart(initiative, request.requesting_collaborative())) return absl::OkStatus();
      v1::Initiative joined = initiative;
      joined.add_participant_collaboratives(request.requesting_collaborative());
      return WriteInitiative(txn, caller, initiative, &joined, now);
    };
  }
  Decide(store_, caller, std::move(rule), name, reason, etag, std::move(done));
}

void Workflows::LeaveInitiative(const Caller& caller, const std::string& name,
                                std::string collaborative, RecordCallback done) {
  if (auto id = InitiativeKind().IdOfName(name, "name"); !id.ok()) {
    return std::move(done)(id.status());
  }
  if (collaborative.empty()) collaborative = caller.collaborative;
  if (collaborative.empty()) {
    return std::move(done)(FieldError("collaborative", "is required when an admin asks"));
  }
  auto result = std::make_shared<RecordPtr>();
  storage::Mutation mutation = [caller, name, collaborative,
                                result](WriteTxn& txn) -> absl::Status {
    PSC_RETURN_IF_ERROR(RequireLeadOf(caller, collaborative, "take it out of an initiative"));
    PSC_ASSIGN_OR_RETURN(auto initiative, LoadNamed<v1::Initiative>(txn, InitiativeKind(), name));
    auto left = std::make_unique<v1::Initiative>(*initiative);
    auto* participants = left->mutable_participant_collaboratives();
    auto it = std::find(participants->begin(), participants->end(), collaborative);
    if (it == participants->end()) {
      return Error(absl::StatusCode::kFailedPrecondition, "NOT_A_PARTICIPANT",
                   absl::StrCat(collaborative, " is not a participant of ", name,
                                initiative->lead_collaborative() == collaborative
                                    ? " (it leads it: an admin can move the lead)"
                                    : ""));
    }
    participants->erase(it);
    PSC_RETURN_IF_ERROR(WriteInitiative(txn, caller, *initiative, left.get(), absl::Now()));
    *result = std::move(left);
    return absl::OkStatus();
  };
  store_->Commit(std::move(mutation), Deliver(result, std::move(done)));
}

void Workflows::ReviewInitiative(const Caller& caller, const std::string& name,
                                 v1::ReviewOutcome outcome, const std::string& rationale,
                                 RecordCallback done) {
  if (auto id = InitiativeKind().IdOfName(name, "name"); !id.ok()) {
    return std::move(done)(id.status());
  }
  if (!v1::ReviewOutcome_IsValid(outcome) || outcome == v1::REVIEW_OUTCOME_UNSPECIFIED) {
    return std::move(done)(FieldError("outcome", "must be CONTINUE, STOP or SCALE_UP"));
  }
  if (outcome == v1::STOP && rationale.empty()) {
    return std::move(done)(FieldError("rationale", "is required to stop an initiative"));
  }
  if (rationale.size() > 4000) {
    return std::move(done)(FieldError("rationale", "at most 4000 characters"));
  }
  auto result = std::make_shared<RecordPtr>();
  storage::Mutation mutation = [caller, name, outcome, rationale,
                                result](WriteTxn& txn) -> absl::Status {
    PSC_ASSIGN_OR_RETURN(auto initiative, LoadNamed<v1::Initiative>(txn, InitiativeKind(), name));
    PSC_RETURN_IF_ERROR(RequireLeadOf(caller, initiative->lead_collaborative(), "review " + name));
    const absl::Time now = absl::Now();
    auto reviewed = std::make_unique<v1::Initiative>(*initiative);
    v1::ReviewDecision* review = reviewed->mutable_last_review();
    review->set_outcome(outcome);
    review->set_rationale(rationale);
    absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
    review->mutable_decided_on()->set_year(static_cast<int>(today.year()));
    review->mutable_decided_on()->set_month(today.month());
    review->mutable_decided_on()->set_day(today.day());
    if (outcome == v1::STOP) {
      reviewed->set_status(v1::STOPPED);
      reviewed->set_status_reason(rationale);
    }
    PSC_RETURN_IF_ERROR(WriteInitiative(txn, caller, *initiative, reviewed.get(), now));
    *result = std::move(reviewed);
    return absl::OkStatus();
  };
  store_->Commit(std::move(mutation), Deliver(result, std::move(done)));
}

}  // namespace psc::registry
