#include "server/registry/report/spread_state.h"

#include <vector>

#include "server/registry/fields/names.h"
#include "server/registry/kinds/kind_table.h"

namespace psc::registry {
namespace {

// The fields of an initiative the spread report reads.
v1::Initiative Reported(const v1::Initiative& i) {
  v1::Initiative out;
  out.set_name(i.name());
  out.set_title(i.title());
  out.set_lead_collaborative(i.lead_collaborative());
  out.set_workstream(i.workstream());
  out.set_status(i.status());
  out.set_measurement_plan_status(i.measurement_plan_status());
  *out.mutable_measures() = i.measures();
  return out;
}

}  // namespace

void SpreadState::Put(const std::string& name, const google::protobuf::Message* record) {
  const RecordKind* kind = KindOfName(name);
  if (kind == &InitiativeKind()) {
    if (record == nullptr) {
      initiatives_.erase(name);
    } else {
      initiatives_[name] = Reported(static_cast<const v1::Initiative&>(*record));
    }
    Recompute(name);
  } else if (kind == &MeasureSeriesKind()) {
    const std::string initiative = ParentName(name);
    if (record == nullptr) {
      auto it = series_.find(initiative);
      if (it != series_.end()) {
        it->second.erase(name);
        if (it->second.empty()) series_.erase(it);
      }
    } else {
      series_[initiative][name] = static_cast<const v1::MeasureSeries&>(*record);
    }
    Recompute(initiative);
  }
}

void SpreadState::Recompute(const std::string& initiative) {
  auto i = initiatives_.find(initiative);
  auto series = series_.find(initiative);
  if (i == initiatives_.end() || series == series_.end()) {
    spreads_.erase(initiative);
    return;
  }
  std::vector<const v1::MeasureSeries*> list;
  list.reserve(series->second.size());
  for (const auto& [name, s] : series->second) list.push_back(&s);
  spreads_[initiative] = SpreadOf(i->second, std::move(list));
}

v1::SpreadReport SpreadState::Report(absl::CivilDay as_of, int stale_months) const {
  std::vector<std::pair<const v1::Initiative*, const InitiativeSpread*>> inputs;
  inputs.reserve(initiatives_.size());
  for (const auto& [name, initiative] : initiatives_) {
    auto spread = spreads_.find(name);
    inputs.emplace_back(&initiative, spread == spreads_.end() ? nullptr : &spread->second);
  }
  return AssembleSpreadReport(inputs, as_of, stale_months);
}

}  // namespace psc::registry
