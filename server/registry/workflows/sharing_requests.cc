// Workflows on experts: sharing requests, and the request lists (workflows.h).

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "psc/registry/v1/expert.pb.h"
#include "server/common/errors.h"
#include "server/common/status_macros.h"
#include "server/common/utf8.h"
#include "server/registry/fields/names.h"
#include "server/registry/workflows/decision.h"
#include "server/registry/workflows/sharing_capacity.h"
#include "server/registry/workflows/workflow_steps.h"
#include "server/registry/workflows/workflows.h"

namespace psc::registry {
namespace {

using storage::WriteTxn;

std::string StateName(v1::SharingRequestState state) {
  return v1::SharingRequestState_Name(state).substr(8);  // SHARING_PENDING -> PENDING
}

// A List of `kind` under an initiative or expert parent (field `parent_field`), or a
// collaborative's outgoing (`requesting_collaborative`) or incoming (`decider_field`) ones.
absl::StatusOr<ListPage> ListRequests(const Registry& registry, const Caller& caller,
                                      const RecordKind& kind, absl::string_view parent_collection,
                                      absl::string_view parent_field,
                                      absl::string_view decider_field, const std::string& parent,
                                      v1::Direction direction, int page_size,
                                      const std::string& page_token) {
  std::string field;
  if (parent == absl::StrCat(parent_collection, "/-")) {
    field = "";  // AIP-159: under every parent
  } else if (IsNameIn(parent, parent_collection)) {
    field = std::string(parent_field);
  } else if (IsNameIn(parent, "collaboratives")) {
    if (direction == v1::DIRECTION_UNSPECIFIED) {
      return FieldError("direction", "is required for a collaborative: OUTGOING or INCOMING");
    }
    field = direction == v1::OUTGOING ? "requesting_collaborative" : std::string(decider_field);
  } else {
    return ArgumentError(
        "parent", "INVALID_NAME",
        absl::StrCat("\"", CharacterPrefix(parent, 200), "\" is neither ", parent_collection,
                     "/{id}, ", parent_collection, "/- nor collaboratives/{id}"));
  }
  ListParams params;
  params.page_size = page_size;
  params.page_token = page_token;
  if (!field.empty()) params.filter = absl::StrCat(field, " = \"", parent, "\"");
  params.order_by = "create_time";
  return registry.List(caller, kind, params);
}

}  // namespace

absl::StatusOr<ListPage> Workflows::ListJoinRequests(const Caller& caller,
                                                     const std::string& parent,
                                                     v1::Direction direction, int page_size,
                                                     const std::string& page_token) const {
  return ListRequests(*registry_, caller, JoinRequestKind(), "initiatives", "initiative",
                      "lead_collaborative", parent, direction, page_size, page_token);
}

absl::StatusOr<ListPage> Workflows::ListSharingRequests(const Caller& caller,
                                                        const std::string& parent,
                                                        v1::Direction direction, int page_size,
                                                        const std::string& page_token) const {
  return ListRequests(*registry_, caller, SharingRequestKind(), "experts", "expert",
                      "home_collaborative", parent, direction, page_size, page_token);
}

void Workflows::CreateSharingRequest(const Caller& caller, const std::string& parent,
                                     v1::SharingRequest request,
                                     const RequestCreateOptions& options, RecordCallback done) {
  auto parent_id = ExpertKind().IdOfName(parent, "parent");
  if (!parent_id.ok()) return std::move(done)(parent_id.status());
  auto name = NewRequestName(caller, parent, "requests", options, "sharing_request_id");
  if (!name.ok()) return std::move(done)(name.status());
  auto requester = RequestingCollaborative(caller, request.requesting_collaborative(),
                                           "sharing_request.requesting_collaborative");
  if (!requester.ok()) return std::move(done)(requester.status());
  v1::SharingRequest fresh;
  fresh.set_name(*name);
  fresh.set_requesting_collaborative(*requester);
  fresh.set_initiative(request.initiative());
  fresh.set_days_per_month(request.days_per_month());
  if (request.has_start_month()) *fresh.mutable_start_month() = request.start_month();
  fresh.set_months(request.months());
  fresh.set_message(request.message());
  fresh.set_state(v1::SHARING_PENDING);
  if (options.as_recorded) {
    fresh.set_state(request.state());
    fresh.set_decision_reason(request.decision_reason());
    fresh.set_decided_by(request.decided_by());
    fresh.set_home_collaborative(request.home_collaborative());
    fresh.set_days_delivered(request.days_delivered());
    fresh.set_feedback(request.feedback());
  }
  if (auto violations = Violations(SharingRequestKind(), fresh); !violations.empty()) {
    return std::move(done)(ValidationError(violations));
  }
  auto result = std::make_shared<RecordPtr>();
  storage::Mutation mutation = [caller, parent, fresh, as_recorded = options.as_recorded,
                                result](WriteTxn& txn) -> absl::Status {
    PSC_ASSIGN_OR_RETURN(auto expert, LoadNamed<v1::Expert>(txn, ExpertKind(), parent));
    PSC_RETURN_IF_ERROR(CheckNameFree(txn, SharingRequestKind(), fresh.name()));
    if (!as_recorded && !expert->shareable() &&
        expert->home_collaborative() != fresh.requesting_collaborative()) {
      return Error(absl::StatusCode::kFailedPrecondition, "NOT_SHAREABLE",
                   absl::StrCat(parent, " is not shared beyond ", expert->home_collaborative()));
    }
    auto created = std::make_unique<v1::SharingRequest>(fresh);
    if (created->home_collaborative().empty()) {
      created->set_home_collaborative(expert->home_collaborative());
    }
    PSC_RETURN_IF_ERROR(CheckReferences(txn, SharingRequestKind(), *created));
    if (as_recorded) {
      // An import keeps the invariant: committed days never exceed the expert's offer.
      if (Commits(*created)) {
        PSC_ASSIGN_OR_RETURN(
            auto requests,
            LoadIndexed<v1::SharingRequest>(txn, SharingRequestKind(), "expert", expert->name()));
        PSC_RETURN_IF_ERROR(CheckCapacity(*expert, requests, *created));
      }
    } else {
      // Only work the requester shares in: a request "for" another PSC's initiative would also
      // make that initiative look busy with an expert it never asked for.
      PSC_ASSIGN_OR_RETURN(auto initiative,
                           LoadNamed<v1::Initiative>(txn, InitiativeKind(), fresh.initiative()));
      if (!TakesPart(*initiative, fresh.requesting_collaborative())) {
        return Error(absl::StatusCode::kFailedPrecondition, "NOT_IN_INITIATIVE",
                     absl::StrCat(fresh.requesting_collaborative(),
                                  " neither leads nor takes part in ", fresh.initiative()),
                     {{"sharing_request.initiative",
                       "must be an initiative the requester leads or takes part in"}});
      }
    }
    StampAndWrite(txn, SharingRequestKind(), nullptr, created.get(), caller, absl::Now());
    *result = std::move(created);
    return absl::OkStatus();
  };
  store_->Commit(std::move(mutation), Deliver(result, std::move(done)));
}

void Workflows::DecideSharingRequest(const Caller& caller, SharingDecision decision,
                                     const std::string& name, const std::string& reason,
                                     const std::string& etag, RecordCallback done) {
  static constexpr const char* kVerbs[] = {"accepted", "declined", "cancelled"};
  static constexpr v1::SharingRequestState kStates[] = {v1::SHARING_ACCEPTED, v1::SHARING_DECLINED,
                                                        v1::SHARING_CANCELLED};
  const int d = static_cast<int>(decision);
  Decision<v1::SharingRequest, v1::Expert> rule{
      .kind = SharingRequestKind(),
      .parent_kind = ExpertKind(),
      .reason_required = decision == SharingDecision::kDecline,
      .check =
          [decision, name, verb = kVerbs[d]](
              const Caller& caller, const v1::SharingRequest& request, const v1::Expert& expert) {
            if (decision == SharingDecision::kCancel) {
              // The requester may cancel days already accepted, too.
              PSC_RETURN_IF_ERROR(RequireLeadOf(caller, request.requesting_collaborative(),
                                                "cancel its sharing request"));
              if (request.state() != v1::SHARING_PENDING &&
                  request.state() != v1::SHARING_ACCEPTED) {
                return InvalidState(name, StateName(request.state()), verb);
              }
              return absl::OkStatus();
            }
            PSC_RETURN_IF_ERROR(
                RequireLeadOf(caller, expert.home_collaborative(),
                              absl::StrCat("decide on ", expert.name(), "'s time")));
            if (request.state() != v1::SHARING_PENDING) {
              return InvalidState(name, StateName(request.state()), verb);
            }
            return absl::OkStatus();
          },
      .decide = [state = kStates[d]](v1::SharingRequest* request) { request->set_state(state); },
  };
  if (decision == SharingDecision::kAccept) {
    // Inside the commit: accepts queued before this one in the group are already visible.
    rule.before_write = [](WriteTxn& txn, const v1::SharingRequest& accepted,
                           const v1::Expert& expert) {
      PSC_ASSIGN_OR_RETURN(auto requests, LoadIndexed<v1::SharingRequest>(txn, SharingRequestKind(),
                                                                          "expert", expert.name()));
      return CheckCapacity(expert, requests, accepted);
    };
  }
  Decide(store_, caller, std::move(rule), name, reason, etag, std::move(done));
}

void Workflows::CompleteSharingRequest(const Caller& caller, const std::string& name,
                                       int days_delivered, const std::string& feedback,
                                       const std::string& etag, RecordCallback done) {
  if (feedback.size() > 4000) {
    return std::move(done)(FieldError("feedback", "at most 4000 characters"));
  }
  if (auto id = SharingRequestKind().IdOfName(name, "name"); !id.ok()) {
    return std::move(done)(id.status());
  }
  auto result = std::make_shared<RecordPtr>();
  storage::Mutation mutation = [caller, name, days_delivered, feedback, etag,
                                result](WriteTxn& txn) -> absl::Status {
    PSC_ASSIGN_OR_RETURN(auto current,
                         LoadNamed<v1::SharingRequest>(txn, SharingRequestKind(), name));
    PSC_ASSIGN_OR_RETURN(auto expert, LoadNamed<v1::Expert>(txn, ExpertKind(), ParentName(name)));
    PSC_RETURN_IF_ERROR(RequireLeadOfEither(caller, current->requesting_collaborative(),
                                            expert->home_collaborative(),
                                            "record what was delivered"));
    if (current->state() != v1::SHARING_ACCEPTED) {
      return InvalidState(name, StateName(current->state()), "completed");
    }
    const int most = current->days_per_month() * current->months();
    if (days_delivered < 0 || days_delivered > most) {
      return FieldError("days_delivered", absl::StrCat("must be 0..", most));
    }
    PSC_RETURN_IF_ERROR(CheckEtag(*current, etag));
    auto updated = std::make_unique<v1::SharingRequest>(*current);
    updated->set_state(v1::SHARING_COMPLETED);
    updated->set_days_delivered(days_delivered);
    updated->set_feedback(feedback);
    updated->set_decided_by(caller.identity);
    StampAndWrite(txn, SharingRequestKind(), current.get(), updated.get(), caller, absl::Now());
    *result = std::move(updated);
    return absl::OkStatus();
  };
  store_->Commit(std::move(mutation), Deliver(result, std::move(done)));
}

}  // namespace psc::registry
