#include "server/registry/report/network_report.h"

#include <algorithm>
#include <map>

#include "psc/registry/v1/case_study.pb.h"
#include "psc/registry/v1/collaborative.pb.h"
#include "psc/registry/v1/initiative.pb.h"
#include "server/common/status_macros.h"
#include "server/registry/access/access_policy.h"
#include "server/registry/records/list_all.h"
#include "server/registry/report/report_counts.h"
#include "server/registry/workflows/sharing_capacity.h"

namespace psc::registry {
namespace {

// Everything the figures are computed from.
struct Records {
  std::vector<v1::Collaborative> collaboratives;
  std::vector<v1::Initiative> initiatives;
  std::map<std::string, std::string> lead_of;  // initiative name -> lead collaborative
  std::vector<v1::CaseStudy> case_studies;
  std::vector<v1::JoinRequest> join_requests;
  std::vector<v1::SharingRequest> sharing_requests;
  uint64_t sequence = 0;
};

bool Involves(const v1::Initiative& i, absl::string_view c) {
  return i.lead_collaborative() == c ||
         std::find(i.participant_collaboratives().begin(), i.participant_collaboratives().end(),
                   c) != i.participant_collaboratives().end();
}

bool Involves(const v1::CaseStudy& s, absl::string_view c) {
  return s.owner_collaborative() == c ||
         std::find(s.collaboratives().begin(), s.collaboratives().end(), c) !=
             s.collaboratives().end();
}

// The figures of `scope`: "national" (everything) or one collaborative's name.
v1::ReportFigures Figures(const Records& r, const std::string& scope) {
  const bool national = scope == "national";
  v1::ReportFigures f;
  f.set_scope(scope);
  std::map<int, int64_t> by_workstream, by_status;
  for (const v1::Initiative& i : r.initiatives) {
    if (!national && !Involves(i, scope)) continue;
    f.set_initiatives(f.initiatives() + 1);
    ++by_workstream[i.workstream()];
    ++by_status[i.status()];
    if (i.workstream() == v1::LOCAL) {
      f.set_local_initiatives(f.local_initiatives() + 1);
    } else {
      f.set_national_workstream_initiatives(f.national_workstream_initiatives() + 1);
    }
    if (i.participant_collaboratives_size() > 0) {
      f.set_multi_psc_initiatives(f.multi_psc_initiatives() + 1);
    }
    if (i.measurement_plan_status() == v1::COMPLETE) {
      f.set_complete_measurement_plans(f.complete_measurement_plans() + 1);
    }
    auto source = r.lead_of.find(i.adopted_from());
    const bool leads = national || i.lead_collaborative() == scope;
    if (leads && source != r.lead_of.end() && source->second != i.lead_collaborative()) {
      f.set_adopted_from_another_psc(f.adopted_from_another_psc() + 1);
    }
  }
  AddCounts<v1::Workstream>(by_workstream, f.mutable_by_workstream());
  AddCounts<v1::InitiativeStatus>(by_status, f.mutable_by_status());
  f.set_multi_psc_share(Share(f.multi_psc_initiatives(), f.initiatives()));
  f.set_measurement_plan_completeness(Share(f.complete_measurement_plans(), f.initiatives()));

  for (const v1::JoinRequest& j : r.join_requests) {
    if (!national && j.requesting_collaborative() != scope) continue;
    f.set_join_requests_made(f.join_requests_made() + 1);
    if (j.state() == v1::JOIN_APPROVED) {
      f.set_join_requests_approved(f.join_requests_approved() + 1);
    }
  }
  for (const v1::SharingRequest& s : r.sharing_requests) {
    if (!Commits(s) || s.requesting_collaborative() == s.home_collaborative()) continue;
    const int64_t committed = s.days_per_month() * s.months();
    const int64_t delivered = s.state() == v1::SHARING_COMPLETED ? s.days_delivered() : 0;
    if (national || s.home_collaborative() == scope) {
      f.set_expert_days_given(f.expert_days_given() + committed);
      f.set_expert_days_delivered_given(f.expert_days_delivered_given() + delivered);
    }
    if (national || s.requesting_collaborative() == scope) {
      f.set_expert_days_received(f.expert_days_received() + committed);
      f.set_expert_days_delivered_received(f.expert_days_delivered_received() + delivered);
    }
  }
  for (const v1::CaseStudy& c : r.case_studies) {
    if (c.publication_state() == v1::PUBLISHED && (national || Involves(c, scope))) {
      f.set_case_studies_published(f.case_studies_published() + 1);
    }
  }
  return f;
}

// Every record the report counts, all from one snapshot: the report is of one point in time,
// the sequence it gives.
absl::StatusOr<Records> Load(const Registry& registry) {
  Records r;
  const std::shared_ptr<const storage::ReadView> view = registry.Snapshot();
  r.sequence = view->sequence();
  PSC_ASSIGN_OR_RETURN(r.initiatives,
                       ListAllAs<v1::Initiative>(registry, InitiativeKind(), "", nullptr, view));
  for (const v1::Initiative& i : r.initiatives) r.lead_of[i.name()] = i.lead_collaborative();
  PSC_ASSIGN_OR_RETURN(r.collaboratives, ListAllAs<v1::Collaborative>(registry, CollaborativeKind(),
                                                                      "", nullptr, view));
  PSC_ASSIGN_OR_RETURN(r.case_studies,
                       ListAllAs<v1::CaseStudy>(registry, CaseStudyKind(), "", nullptr, view));
  PSC_ASSIGN_OR_RETURN(r.join_requests,
                       ListAllAs<v1::JoinRequest>(registry, JoinRequestKind(), "", nullptr, view));
  PSC_ASSIGN_OR_RETURN(r.sharing_requests, ListAllAs<v1::SharingRequest>(
                                               registry, SharingRequestKind(), "", nullptr, view));
  return r;
}

}  // namespace

absl::StatusOr<v1::NetworkReport> RecountNetworkReport(const Registry& registry,
                                                       const Caller& caller,
                                                       const std::string& collaborative) {
  PSC_RETURN_IF_ERROR(CheckOperation(caller, InitiativeKind(), Operation::kRead));
  if (!collaborative.empty()) {
    // NOT_FOUND or INVALID_ARGUMENT for a collaborative that is not one.
    PSC_RETURN_IF_ERROR(registry.Get(caller, CollaborativeKind(), collaborative).status());
  }
  PSC_ASSIGN_OR_RETURN(Records records, Load(registry));
  v1::NetworkReport report;
  report.set_sequence(records.sequence);
  *report.mutable_figures() = Figures(records, collaborative.empty() ? "national" : collaborative);
  if (collaborative.empty()) {
    for (const v1::Collaborative& c : records.collaboratives) {
      *report.add_by_collaborative() = Figures(records, c.name());
    }
  }
  return report;
}

}  // namespace psc::registry
