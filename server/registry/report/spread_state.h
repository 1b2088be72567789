#pragma once
// The spread report's state kept as records change: each initiative's spread (its best outcome
// measure and latest period, spread_report.h's SpreadOf) recomputed when the initiative or one
// of its series changes, so a report only assembles them for its as_of. Holds what that needs:
// each initiative's reported fields and measures, and the series themselves.

#include <map>
#include <string>

#include "absl/time/civil_time.h"
#include "google/protobuf/message.h"
#include "psc/registry/v1/initiative.pb.h"
#include "psc/registry/v1/measure.pb.h"
#include "server/registry/report/spread_report.h"

namespace psc::registry {

// Not thread-safe: ReportFollower serializes its use.
class SpreadState {
 public:
  // Records `name`'s state: `record` its message now (an initiative or a measure series; other
  // kinds are ignored), or nullptr once it is deleted.
  void Put(const std::string& name, const google::protobuf::Message* record);

  // The report as of `as_of`, data older than `stale_months` months counting as stopped: the
  // same as ComputeSpreadReport over the same records.
  v1::SpreadReport Report(absl::CivilDay as_of, int stale_months) const;

 private:
  void Recompute(const std::string& initiative);

  std::map<std::string, v1::Initiative> initiatives_;  // only the fields the report reads
  std::map<std::string, std::map<std::string, v1::MeasureSeries>> series_;  // by initiative
  std::map<std::string, InitiativeSpread> spreads_;  // initiatives with series
};

}  // namespace psc::registry
