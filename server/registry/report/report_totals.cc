#include "server/registry/report/report_totals.h"

#include "psc/registry/v1/case_study.pb.h"
#include "psc/registry/v1/collaborative.pb.h"
#include "psc/registry/v1/initiative.pb.h"
#include "server/registry/kinds/kind_table.h"
#include "server/registry/report/report_counts.h"
#include "server/registry/workflows/sharing_capacity.h"

namespace psc::registry {
namespace {

constexpr char kNational[] = "national";

// Erases `name` from `map`, or sets it to `value`.
template <typename T>
void Store(std::map<std::string, T>& map, const std::string& name, const T* value) {
  if (value == nullptr) {
    map.erase(name);
  } else {
    map[name] = *value;
  }
}

}  // namespace

void ReportTotals::Put(const std::string& name, const google::protobuf::Message* record) {
  // The kind from the name, the record's fields from its message.
  const RecordKind* kind = KindOfName(name);
  if (kind == &CollaborativeKind()) {
    if (record == nullptr) {
      collaboratives_.erase(name);
    } else {
      collaboratives_.insert(name);
    }
  } else if (kind == &InitiativeKind()) {
    PutInitiative(name, record);
  } else if (kind == &CaseStudyKind()) {
    if (auto it = case_studies_.find(name); it != case_studies_.end()) Apply(it->second, -1);
    std::optional<CaseStudy> now;
    if (record != nullptr) {
      const auto& c = static_cast<const v1::CaseStudy&>(*record);
      now = CaseStudy{{c.collaboratives().begin(), c.collaboratives().end()},
                      c.publication_state() == v1::PUBLISHED};
      now->involved.insert(c.owner_collaborative());
      Apply(*now, +1);
    }
    Store(case_studies_, name, now ? &*now : nullptr);
  } else if (kind == &JoinRequestKind()) {
    if (auto it = join_requests_.find(name); it != join_requests_.end()) Apply(it->second, -1);
    std::optional<JoinRequest> now;
    if (record != nullptr) {
      const auto& j = static_cast<const v1::JoinRequest&>(*record);
      now = JoinRequest{j.requesting_collaborative(), j.state() == v1::JOIN_APPROVED};
      Apply(*now, +1);
    }
    Store(join_requests_, name, now ? &*now : nullptr);
  } else if (kind == &SharingRequestKind()) {
    if (auto it = sharing_requests_.find(name); it != sharing_requests_.end()) {
      Apply(it->second, -1);
    }
    std::optional<SharingRequest> now;
    if (record != nullptr) {
      const auto& s = static_cast<const v1::SharingRequest&>(*record);
      // Only committed days between two PSCs count.
      if (Commits(s) && s.requesting_collaborative() != s.home_collaborative()) {
        now = SharingRequest{s.home_collaborative(), s.requesting_collaborative(),
                             s.days_per_month() * s.months(),
                             s.state() == v1::SHARING_COMPLETED ? s.days_delivered() : 0};
        Apply(*now, +1);
      }
    }
    Store(sharing_requests_, name, now ? &*now : nullptr);
  }
}

void ReportTotals::PutInitiative(const std::string& name, const google::protobuf::Message* record) {
  // This initiative's contribution and that of every initiative adopted from it (whose
  // "adopted from another PSC" depends on this one's lead) are taken away, then added anew.
  std::set<std::string> affected;
  if (auto it = adopters_.find(name); it != adopters_.end()) affected = it->second;
  if (initiatives_.contains(name)) affected.insert(name);
  for (const std::string& each : affected) Apply(initiatives_.at(each), -1);
  if (auto it = initiatives_.find(name); it != initiatives_.end()) {
    if (!it->second.adopted_from.empty()) {
      auto& adopters = adopters_[it->second.adopted_from];
      adopters.erase(name);
      if (adopters.empty()) adopters_.erase(it->second.adopted_from);
    }
    initiatives_.erase(it);
  }
  if (record != nullptr) {
    const auto& i = static_cast<const v1::Initiative&>(*record);
    Initiative now{i.lead_collaborative(),
                   {i.participant_collaboratives().begin(), i.participant_collaboratives().end()},
                   i.workstream(),
                   i.status(),
                   i.participant_collaboratives_size() > 0,
                   i.measurement_plan_status() == v1::COMPLETE,
                   i.adopted_from()};
    now.involved.insert(now.lead);
    if (!now.adopted_from.empty()) adopters_[now.adopted_from].insert(name);
    initiatives_.emplace(name, std::move(now));
    affected.insert(name);
  }
  for (const std::string& each : affected) {
    if (auto it = initiatives_.find(each); it != initiatives_.end()) Apply(it->second, +1);
  }
}

bool ReportTotals::AdoptedFromAnother(const Initiative& i) const {
  auto source = initiatives_.find(i.adopted_from);
  return source != initiatives_.end() && source->second.lead != i.lead;
}

void ReportTotals::Apply(const Initiative& i, int sign) {
  const bool adopted = AdoptedFromAnother(i);
  auto add = [&](const std::string& scope) {
    Counters& c = by_scope_[scope];
    c.initiatives += sign;
    c.by_workstream[i.workstream] += sign;
    c.by_status[i.status] += sign;
    (i.workstream == v1::LOCAL ? c.local : c.national_workstream) += sign;
    if (i.multi_psc) c.multi_psc += sign;
    if (i.complete_plan) c.complete_plans += sign;
    if (adopted && (scope == kNational || scope == i.lead)) c.adopted += sign;
  };
  add(kNational);
  for (const std::string& scope : i.involved) add(scope);
}

void ReportTotals::Apply(const CaseStudy& c, int sign) {
  if (!c.published) return;
  by_scope_[kNational].published += sign;
  for (const std::string& scope : c.involved) by_scope_[scope].published += sign;
}

void ReportTotals::Apply(const JoinRequest& j, int sign) {
  for (const std::string& scope : {std::string(kNational), j.requesting}) {
    Counters& c = by_scope_[scope];
    c.join_made += sign;
    if (j.approved) c.join_approved += sign;
  }
}

void ReportTotals::Apply(const SharingRequest& s, int sign) {
  Counters& national = by_scope_[kNational];
  national.days_given += sign * s.committed;
  national.delivered_given += sign * s.delivered;
  national.days_received += sign * s.committed;
  national.delivered_received += sign * s.delivered;
  Counters& home = by_scope_[s.home];
  home.days_given += sign * s.committed;
  home.delivered_given += sign * s.delivered;
  Counters& requesting = by_scope_[s.requesting];
  requesting.days_received += sign * s.committed;
  requesting.delivered_received += sign * s.delivered;
}

v1::ReportFigures ReportTotals::Figures(const std::string& scope) const {
  static const Counters kNone;
  auto it = by_scope_.find(scope);
  const Counters& c = it == by_scope_.end() ? kNone : it->second;
  v1::ReportFigures f;
  f.set_scope(scope);
  f.set_initiatives(c.initiatives);
  f.set_national_workstream_initiatives(c.national_workstream);
  f.set_local_initiatives(c.local);
  AddCounts<v1::Workstream>(c.by_workstream, f.mutable_by_workstream());
  AddCounts<v1::InitiativeStatus>(c.by_status, f.mutable_by_status());
  f.set_multi_psc_initiatives(c.multi_psc);
  f.set_multi_psc_share(Share(c.multi_psc, c.initiatives));
  f.set_complete_measurement_plans(c.complete_plans);
  f.set_measurement_plan_completeness(Share(c.complete_plans, c.initiatives));
  f.set_join_requests_made(c.join_made);
  f.set_join_requests_approved(c.join_approved);
  f.set_expert_days_given(c.days_given);
  f.set_expert_days_received(c.days_received);
  f.set_expert_days_delivered_given(c.delivered_given);
  f.set_expert_days_delivered_received(c.delivered_received);
  f.set_case_studies_published(c.published);
  f.set_adopted_from_another_psc(c.adopted);
  return f;
}

}  // namespace psc::registry
