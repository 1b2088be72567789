#include "server/registry/report/spread_report.h"

#include <algorithm>
#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/clock.h"
#include "server/common/status_macros.h"
#include "server/registry/access/access_policy.h"
#include "server/registry/fields/names.h"
#include "server/registry/fields/validator.h"
#include "server/registry/records/list_all.h"
#include "server/registry/workflows/workflow_steps.h"
#include "server/spc/points.h"
#include "server/spc/site_signal.h"

namespace psc::registry {
namespace {

bool IsActive(const v1::Initiative& i) {
  return i.status() == v1::ACTIVE || i.status() == v1::SPREADING;
}

template <typename T>
T Median(std::vector<T> v) {
  if (v.empty()) return T();
  std::sort(v.begin(), v.end());
  return v[(v.size() - 1) / 2];  // the lower median: an observed value
}

v1::Date DateOf(absl::CivilDay day) {
  v1::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

// The initiative's best outcome measure: the one with the most sites improving, then the
// largest median shift. Empty `sites` when no outcome measure has data.
v1::SpreadCandidate BestOutcome(const v1::Initiative& initiative,
                                const std::vector<const v1::MeasureSeries*>& series) {
  v1::SpreadCandidate best;
  for (const v1::Measure& m : initiative.measures()) {
    if (m.kind() != v1::OUTCOME || m.id().empty()) continue;
    v1::SpreadCandidate c;
    std::vector<double> shifts;
    std::vector<int> held;
    for (const v1::MeasureSeries* s : series) {
      if (s->measure() != m.id() || s->points().empty()) continue;
      v1::SiteEvidence e = spc::EvaluateSite(m, *s);
      if (e.improving()) {
        shifts.push_back(e.shift());
        held.push_back(e.points_held());
      }
      *c.add_sites() = std::move(e);
    }
    if (c.sites().empty()) continue;
    std::stable_sort(c.mutable_sites()->begin(), c.mutable_sites()->end(),
                     [](const v1::SiteEvidence& a, const v1::SiteEvidence& b) {
                       return a.improving() > b.improving();
                     });
    c.set_measure(m.id());
    c.set_measure_name(m.name());
    c.set_sites_improving(static_cast<int>(shifts.size()));
    c.set_sites_reporting(c.sites_size());
    c.set_median_shift(Median(shifts));
    c.set_median_points_held(Median(held));
    if (best.sites().empty() || c.sites_improving() > best.sites_improving() ||
        (c.sites_improving() == best.sites_improving() && c.median_shift() > best.median_shift())) {
      best = std::move(c);
    }
  }
  best.set_initiative(initiative.name());
  best.set_title(initiative.title());
  best.set_lead_collaborative(initiative.lead_collaborative());
  best.set_workstream(initiative.workstream());
  return best;
}

void AddCoverage(v1::SpreadReport* report, const std::string& scope,
                 const std::vector<const v1::Initiative*>& active,
                 const absl::flat_hash_map<std::string, int>& latest, int64_t candidates) {
  v1::DataCoverage* c = report->add_coverage();
  c->set_scope(scope);
  c->set_active_initiatives(static_cast<int64_t>(active.size()));
  for (const v1::Initiative* i : active) {
    if (latest.contains(i->name())) c->set_active_with_data(c->active_with_data() + 1);
  }
  c->set_share_with_data(active.empty() ? 0
                                        : static_cast<double>(c->active_with_data()) /
                                              static_cast<double>(active.size()));
  c->set_spread_candidates(candidates);
}

}  // namespace

InitiativeSpread SpreadOf(const v1::Initiative& initiative,
                          std::vector<const v1::MeasureSeries*> series) {
  std::erase_if(series, [](const v1::MeasureSeries* s) { return s->points().empty(); });
  std::sort(
      series.begin(), series.end(),
      [](const v1::MeasureSeries* a, const v1::MeasureSeries* b) { return a->name() < b->name(); });
  InitiativeSpread spread;
  for (const v1::MeasureSeries* s : series) {
    spread.latest_key =
        std::max(spread.latest_key, spc::PeriodKey(s->points(s->points_size() - 1).period()));
  }
  if (!series.empty()) spread.best = BestOutcome(initiative, series);
  return spread;
}

v1::SpreadReport AssembleSpreadReport(
    const std::vector<std::pair<const v1::Initiative*, const InitiativeSpread*>>& initiatives,
    absl::CivilDay as_of, int stale_months) {
  absl::flat_hash_map<std::string, int> latest;  // initiative -> its latest period's key
  for (const auto& [i, spread] : initiatives) {
    if (spread != nullptr && spread->latest_key != 0) latest[i->name()] = spread->latest_key;
  }
  v1::SpreadReport report;
  *report.mutable_as_of() = DateOf(as_of);
  report.set_stale_months(stale_months);
  // Data is recent when its month is within stale_months months of as_of's month.
  const absl::CivilMonth cutoff = absl::CivilMonth(as_of) - stale_months;
  const int cutoff_key =
      static_cast<int>(cutoff.year()) * 10000 + cutoff.month() * 100 + 31;  // its last day
  std::vector<v1::SpreadCandidate> candidates;
  std::map<v1::Workstream, std::vector<const v1::Initiative*>> active_by_workstream;
  std::vector<const v1::Initiative*> active;
  for (const auto& [initiative, spread] : initiatives) {
    const v1::Initiative& i = *initiative;
    if (IsActive(i)) {
      active.push_back(&i);
      active_by_workstream[i.workstream()].push_back(&i);
    }
    if (spread != nullptr && latest.contains(i.name()) && spread->best.sites_improving() >= 2) {
      candidates.push_back(spread->best);
    }
    if (IsActive(i) && i.measurement_plan_status() == v1::COMPLETE) {
      auto last = latest.find(i.name());
      if (last == latest.end() || last->second <= cutoff_key) {
        v1::InitiativeWithoutRecentData* w = report.add_without_recent_data();
        w->set_initiative(i.name());
        w->set_title(i.title());
        w->set_lead_collaborative(i.lead_collaborative());
        w->set_workstream(i.workstream());
        if (last != latest.end()) {
          const int k = last->second;
          w->mutable_latest_period()->set_year(k / 10000);
          w->mutable_latest_period()->set_month(k / 100 % 100);
          w->mutable_latest_period()->set_day(k % 100);
        }
      }
    }
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const v1::SpreadCandidate& a, const v1::SpreadCandidate& b) {
              if (a.sites_improving() != b.sites_improving()) {
                return a.sites_improving() > b.sites_improving();
              }
              if (a.median_shift() != b.median_shift()) return a.median_shift() > b.median_shift();
              if (a.median_points_held() != b.median_points_held()) {
                return a.median_points_held() > b.median_points_held();
              }
              return a.initiative() < b.initiative();
            });
  std::map<v1::Workstream, int64_t> candidates_by_workstream;
  for (size_t k = 0; k < candidates.size(); ++k) {
    candidates[k].set_rank(static_cast<int>(k + 1));
    ++candidates_by_workstream[candidates[k].workstream()];
    *report.add_candidates() = std::move(candidates[k]);
  }
  std::sort(report.mutable_without_recent_data()->begin(),
            report.mutable_without_recent_data()->end(),
            [](const auto& a, const auto& b) { return a.initiative() < b.initiative(); });
  AddCoverage(&report, "national", active, latest, report.candidates_size());
  for (const auto& [workstream, list] : active_by_workstream) {
    AddCoverage(&report, v1::Workstream_Name(workstream), list, latest,
                candidates_by_workstream[workstream]);
  }
  return report;
}

v1::SpreadReport ComputeSpreadReport(const std::vector<v1::Initiative>& initiatives,
                                     const std::vector<v1::MeasureSeries>& series,
                                     absl::CivilDay as_of, int stale_months) {
  std::map<std::string, std::vector<const v1::MeasureSeries*>> by_initiative;
  for (const v1::MeasureSeries& s : series) by_initiative[ParentName(s.name())].push_back(&s);
  std::vector<InitiativeSpread> spreads;
  spreads.reserve(initiatives.size());  // no reallocation: `inputs` points into it
  std::vector<std::pair<const v1::Initiative*, const InitiativeSpread*>> inputs;
  for (const v1::Initiative& i : initiatives) {
    auto found = by_initiative.find(i.name());
    if (found == by_initiative.end()) {
      inputs.emplace_back(&i, nullptr);
      continue;
    }
    spreads.push_back(SpreadOf(i, found->second));
    inputs.emplace_back(&i, &spreads.back());
  }
  return AssembleSpreadReport(inputs, as_of, stale_months);
}

absl::StatusOr<std::pair<absl::CivilDay, int>> CheckSpreadRequest(
    const Caller& caller, const v1::GetSpreadReportRequest& request) {
  PSC_RETURN_IF_ERROR(CheckOperation(caller, InitiativeKind(), Operation::kRead));
  PSC_RETURN_IF_ERROR(CheckOperation(caller, MeasureSeriesKind(), Operation::kRead));
  std::vector<FieldViolation> violations;
  Validator v(&violations);
  v.Date("as_of", request.has_as_of() ? &request.as_of() : nullptr);
  const int stale_months = request.stale_months() == 0 ? 3 : request.stale_months();
  v.Range("stale_months", stale_months, 1, 36);
  if (!violations.empty()) return ValidationError(violations);
  const absl::CivilDay as_of =
      request.has_as_of()
          ? absl::CivilDay(request.as_of().year(), request.as_of().month(), request.as_of().day())
          : absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  return std::make_pair(as_of, stale_months);
}

absl::StatusOr<v1::SpreadReport> RecountSpreadReport(const Registry& registry, const Caller& caller,
                                                     const v1::GetSpreadReportRequest& request) {
  PSC_ASSIGN_OR_RETURN(auto checked, CheckSpreadRequest(caller, request));
  const std::shared_ptr<const storage::ReadView> view = registry.Snapshot();
  PSC_ASSIGN_OR_RETURN(auto initiatives,
                       ListAllAs<v1::Initiative>(registry, InitiativeKind(), "", nullptr, view));
  PSC_ASSIGN_OR_RETURN(
      auto series, ListAllAs<v1::MeasureSeries>(registry, MeasureSeriesKind(), "", nullptr, view));
  v1::SpreadReport report = ComputeSpreadReport(initiatives, series, checked.first, checked.second);
  report.set_sequence(view->sequence());
  return report;
}

}  // namespace psc::registry
