#include <map>
#include <type_traits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "tools/web/display.h"
#include "tools/web/pages.h"

namespace psc::web {
namespace {

constexpr int kPageSize = 100;

// Titles of the experts and initiatives the requests name, each fetched once.
class Titles {
 public:
  explicit Titles(client::RegistryClient& registry) : registry_(registry) {}

  std::string Of(const std::string& name) {
    auto [it, fresh] = titles_.try_emplace(name, name);
    if (fresh) {
      if (name.rfind("experts/", 0) == 0) {
        if (auto expert = registry_.GetExpert(name); expert.ok())
          it->second = expert->display_name();
      } else if (auto initiative = registry_.GetInitiative(name); initiative.ok()) {
        it->second = initiative->title();
      }
    }
    return it->second;
  }

 private:
  client::RegistryClient& registry_;
  std::map<std::string, std::string> titles_;
};

std::string StateTagClass(absl::string_view state) {
  if (absl::EndsWith(state, "PENDING")) return "nhsuk-tag--yellow";
  if (absl::EndsWith(state, "ACCEPTED") || absl::EndsWith(state, "APPROVED") ||
      absl::EndsWith(state, "COMPLETED")) {
    return "nhsuk-tag--green";
  }
  return "nhsuk-tag--grey";
}

// An action button of a row: POST /inbox with the request's name, etag and what to do.
struct ActionSpec {
  const char* action;
  const char* label;
  bool needs_reason;  // declining asks why
};
constexpr ActionSpec kAcceptSharing[] = {{"accept", "Accept", false}, {"decline", "Decline", true}};
constexpr ActionSpec kCancelSharing[] = {{"cancel", "Cancel request", false}};
constexpr ActionSpec kApproveJoin[] = {{"approve", "Approve", false}, {"decline", "Decline", true}};
constexpr ActionSpec kWithdrawJoin[] = {{"withdraw", "Withdraw request", false}};

// What a row shows of either kind of request: its name and etag (for the action forms), the
// expert or initiative it is about, its state, its words, and its actions while pending.
template <typename Request, size_t kIn, size_t kOut>
Data RequestRow(const Request& request, const std::string& kind, absl::string_view state,
                bool pending, bool incoming, const ActionSpec (&in)[kIn],
                const ActionSpec (&out)[kOut], Titles& titles) {
  Data row;
  const std::string subject = ParentOf(request.name());
  row.set("name", request.name());
  row.set("etag", request.etag());
  row.set("id", absl::StrCat(kind, "-", IdOf(request.name())));
  row.set("subject", titles.Of(subject));
  row.set("subject_href", "/" + subject);
  row.set("state", ValueLabel(state));
  row.set("state_class", StateTagClass(state));
  SetIfAny(row, "message", request.message());
  SetIfAny(row, "decision_reason", request.decision_reason());
  List actions;
  for (const ActionSpec& spec : incoming ? absl::MakeConstSpan(in) : absl::MakeConstSpan(out)) {
    if (!pending) break;
    Data action;
    action.set("kind", kind);
    action.set("action", spec.action);
    action.set("label", spec.label);
    action.set("needs_reason", spec.needs_reason);
    action.set("secondary", spec.needs_reason || !incoming);
    actions.push_back(action);
  }
  row.set("actions", actions);
  return row;
}

Data SharingRow(const PageRequest& r, const v1::SharingRequest& request, bool incoming,
                Titles& titles) {
  Data row = RequestRow(
      request, "sharing",
      absl::StripPrefix(v1::SharingRequestState_Name(request.state()), "SHARING_"),
      request.state() == v1::SHARING_PENDING, incoming, kAcceptSharing, kCancelSharing, titles);
  row.set("initiative", titles.Of(request.initiative()));
  row.set("initiative_href", "/" + request.initiative());
  row.set("other", r.Collaborative(incoming ? request.requesting_collaborative()
                                            : request.home_collaborative()));
  row.set("detail",
          absl::StrCat(Count(request.days_per_month(), "day"), " a month for ",
                       Count(request.months(), "month"), " from ",
                       MonthLabel(request.start_month().year(), request.start_month().month())));
  return row;
}

Data JoinRow(const PageRequest& r, const v1::JoinRequest& request, bool incoming, Titles& titles) {
  Data row = RequestRow(
      request, "join", absl::StripPrefix(v1::JoinRequestState_Name(request.state()), "JOIN_"),
      request.state() == v1::JOIN_PENDING, incoming, kApproveJoin, kWithdrawJoin, titles);
  row.set("other", r.Collaborative(incoming ? request.requesting_collaborative()
                                            : request.lead_collaborative()));
  SetIfAny(row, "detail", request.proposed_role());
  return row;
}

// One of the inbox's four lists; its error (a list pscd refused) shows in the summary.
template <typename Response, typename Row>
List Rows(const absl::StatusOr<Response>& response, Row row, absl::Status& failure) {
  List rows;
  if (!response.ok()) {
    failure.Update(response.status());
    return rows;
  }
  if constexpr (std::is_same_v<Response, v1::ListSharingRequestsResponse>) {
    // Newest first: what needs an answer is usually the latest.
    for (int i = response->sharing_requests_size() - 1; i >= 0; --i) {
      rows.push_back(row(response->sharing_requests(i)));
    }
  } else {
    for (int i = response->join_requests_size() - 1; i >= 0; --i) {
      rows.push_back(row(response->join_requests(i)));
    }
  }
  return rows;
}

void RenderInbox(PageRequest& r, absl::Status failure) {
  Data data = r.BaseData("Inbox", "inbox");
  const std::string collaborative = r.viewer.principal.collaborative();
  if (collaborative.empty() || !r.viewer.CanLead()) {
    data.set("no_inbox", true);
    r.Render("inbox", data);
    return;
  }
  static const std::map<std::string, std::string> kDone = {
      {"requested", "Your request for days was sent."},
      {"asked", "Your request to join was sent."},
      {"accept", "You accepted the request: the days are committed."},
      {"decline", "You declined the request."},
      {"cancel", "You cancelled the request."},
      {"approve", "You approved the request: they now take part."},
      {"withdraw", "You withdrew the request."}};
  if (auto done = kDone.find(r.Param("done")); done != kDone.end() && failure.ok()) {
    data.set("done", done->second);
  }
  Titles titles(r.registry);
  auto sharing = [&](v1::Direction direction) {
    v1::ListSharingRequestsRequest request;
    request.set_parent(collaborative);
    request.set_direction(direction);
    request.set_page_size(kPageSize);
    return r.registry.ListSharingRequests(request);
  };
  auto join = [&](v1::Direction direction) {
    v1::ListJoinRequestsRequest request;
    request.set_parent(collaborative);
    request.set_direction(direction);
    request.set_page_size(kPageSize);
    return r.registry.ListJoinRequests(request);
  };
  absl::Status lists;
  data.set("sharing_in", Rows(
                             sharing(v1::INCOMING),
                             [&](const auto& q) { return SharingRow(r, q, true, titles); }, lists));
  data.set("sharing_out",
           Rows(
               sharing(v1::OUTGOING),
               [&](const auto& q) { return SharingRow(r, q, false, titles); }, lists));
  data.set("join_in", Rows(
                          join(v1::INCOMING),
                          [&](const auto& q) { return JoinRow(r, q, true, titles); }, lists));
  data.set("join_out", Rows(
                           join(v1::OUTGOING),
                           [&](const auto& q) { return JoinRow(r, q, false, titles); }, lists));
  failure.Update(lists);
  if (!failure.ok()) SetErrors(data, failure);
  r.Render("inbox", data, failure.ok() ? 200 : 400);
}

}  // namespace

void InboxPage(PageRequest& r) { RenderInbox(r, absl::OkStatus()); }

void DecideRequest(PageRequest& r) {
  v1::DecideRequest decide;
  decide.set_name(r.Param("name"));
  decide.set_etag(r.Param("etag"));
  decide.set_reason(r.Param("reason"));
  const std::string kind = r.Param("kind"), action = r.Param("action");
  absl::Status result = absl::InvalidArgumentError("Choose what to do with the request.");
  if (kind == "sharing") {
    if (action == "accept") result = r.registry.AcceptSharingRequest(decide).status();
    if (action == "decline") result = r.registry.DeclineSharingRequest(decide).status();
    if (action == "cancel") result = r.registry.CancelSharingRequest(decide).status();
  } else if (kind == "join") {
    if (action == "approve") result = r.registry.ApproveJoinRequest(decide).status();
    if (action == "decline") result = r.registry.DeclineJoinRequest(decide).status();
    if (action == "withdraw") result = r.registry.WithdrawJoinRequest(decide).status();
  }
  if (!result.ok()) {
    RenderInbox(r, result);
    return;
  }
  r.Redirect("/inbox?done=" + action);
}

}  // namespace psc::web
