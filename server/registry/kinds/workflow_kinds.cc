// The workflow kinds: join requests (children of initiatives) and expert sharing requests
// (children of experts). Their states change only through the workflow operations
// (workflows.h), never through a generic Update.

#include "psc/registry/v1/workflow.pb.h"
#include "server/registry/fields/names.h"
#include "server/registry/fields/validator.h"
#include "server/registry/kinds/index_terms.h"

namespace psc::registry {
namespace {

class JoinRequestKindImpl final : public TypedKind<v1::JoinRequest> {
 public:
  JoinRequestKindImpl()
      : TypedKind(KindSpec{
            .collection = "joinRequests",
            .singular = "join_request",
            .parent = "initiatives",
            .change_field = "join_request",
            .record_field = "join_request",
            .filters = {NameFilter("initiative", {kParentSource}),
                        NameFilter("requesting_collaborative"), NameFilter("lead_collaborative"),
                        EnumFilter<v1::JoinRequestState>("state")},
            .owner_field = "requesting_collaborative",
            .personal_fields = {"decided_by"},
            .deleted_with_referents = true,
        }) {}

 protected:
  void ValidateResource(const v1::JoinRequest& r, std::vector<FieldViolation>* out) const override {
    Validator v(out);
    v.Name("requesting_collaborative", r.requesting_collaborative(), "collaboratives",
           /*required=*/true);
    v.Text("message", r.message(), 4000);
    v.Text("proposed_role", r.proposed_role(), 200);
    v.Text("decision_reason", r.decision_reason(), 4000);
    // Set by the server, or as recorded in an import.
    if (!v1::JoinRequestState_IsValid(r.state()) ||
        r.state() == v1::JOIN_REQUEST_STATE_UNSPECIFIED) {
      v.Fail("state", "must be PENDING, APPROVED, DECLINED or WITHDRAWN");
    }
    v.Text("decided_by", r.decided_by(), 200);
    v.Name("lead_collaborative", r.lead_collaborative(), "collaboratives", /*required=*/false);
  }

  std::vector<Reference> ReferencesOf(const v1::JoinRequest& r) const override {
    return {{"initiative", ParentName(r.name())},
            {"requesting_collaborative", r.requesting_collaborative()}};
  }

  std::string OwnerOf(const v1::JoinRequest& r) const override {
    return r.requesting_collaborative();
  }
};

class SharingRequestKindImpl final : public TypedKind<v1::SharingRequest> {
 public:
  SharingRequestKindImpl()
      : TypedKind(KindSpec{
            .collection = "requests",
            .singular = "sharing_request",
            .parent = "experts",
            .change_field = "sharing_request",
            .record_field = "sharing_request",
            .filters = {NameFilter("expert", {kParentSource}),
                        NameFilter("requesting_collaborative"), NameFilter("home_collaborative"),
                        NameFilter("initiative"), EnumFilter<v1::SharingRequestState>("state")},
            .owner_field = "requesting_collaborative",
            .personal_fields = {"decided_by"},
            // Accepting or ending a request changes the expert's free days.
            .reindex_parent = true,
            .deleted_with_referents = true,
        }) {}

 protected:
  void ValidateResource(const v1::SharingRequest& r,
                        std::vector<FieldViolation>* out) const override {
    Validator v(out);
    v.Name("requesting_collaborative", r.requesting_collaborative(), "collaboratives",
           /*required=*/true);
    v.Name("initiative", r.initiative(), "initiatives", /*required=*/true);
    v.Range("days_per_month", r.days_per_month(), 1, 31);
    if (!r.has_start_month()) {
      v.Fail("start_month", "is required");
    } else {
      v.Range("start_month.year", r.start_month().year(), 2000, 2100);
      v.Range("start_month.month", r.start_month().month(), 1, 12);
    }
    v.Range("months", r.months(), 1, 12);
    v.Text("message", r.message(), 4000);
    v.Text("decision_reason", r.decision_reason(), 4000);
    v.Text("feedback", r.feedback(), 4000);
    // Set by the server, or as recorded in an import.
    if (!v1::SharingRequestState_IsValid(r.state()) ||
        r.state() == v1::SHARING_REQUEST_STATE_UNSPECIFIED) {
      v.Fail("state", "must be PENDING, ACCEPTED, DECLINED, CANCELLED or COMPLETED");
    }
    v.Text("decided_by", r.decided_by(), 200);
    v.Name("home_collaborative", r.home_collaborative(), "collaboratives", /*required=*/false);
    // Bounded by what was asked for, so checked only when that is valid: an error about a
    // derived bound ("between 0 and -4") would name a field the requester never set.
    const bool asked_ok =
        r.days_per_month() >= 1 && r.days_per_month() <= 31 && r.months() >= 1 && r.months() <= 12;
    if (asked_ok) {
      v.Range("days_delivered", r.days_delivered(), 0, r.days_per_month() * r.months());
    } else if (r.days_delivered() < 0) {
      v.Fail("days_delivered", "must not be negative");
    }
  }

  std::vector<Reference> ReferencesOf(const v1::SharingRequest& r) const override {
    return {{"expert", ParentName(r.name())},
            {"initiative", r.initiative()},
            {"requesting_collaborative", r.requesting_collaborative()}};
  }

  std::string OwnerOf(const v1::SharingRequest& r) const override {
    return r.requesting_collaborative();
  }
};

}  // namespace

const RecordKind& JoinRequestKind() {
  static const auto* kind = new JoinRequestKindImpl;
  return *kind;
}

const RecordKind& SharingRequestKind() {
  static const auto* kind = new SharingRequestKindImpl;
  return *kind;
}

}  // namespace psc::registry
