#include "server/registry/kinds/measurement_plan.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace psc::registry {
namespace {

bool IsComplete(const v1::Measure& m) {
  return !m.operational_definition().empty() && !m.baseline().empty() && !m.target().empty();
}

}  // namespace

std::vector<std::string> MeasurementPlanGaps(const v1::Initiative& initiative) {
  std::vector<std::string> gaps;
  for (v1::MeasureKind kind : {v1::OUTCOME, v1::PROCESS, v1::BALANCING}) {
    bool any = false;
    bool complete = false;
    for (const v1::Measure& m : initiative.measures()) {
      if (m.kind() != kind) continue;
      any = true;
      complete = complete || IsComplete(m);
    }
    std::string name = absl::AsciiStrToLower(v1::MeasureKind_Name(kind));
    if (!any) {
      gaps.push_back(absl::StrCat("no ", name, " measure"));
    } else if (!complete) {
      gaps.push_back(absl::StrCat("no ", name,
                                  " measure with an operational definition, baseline and target"));
    }
  }
  if (initiative.milestones().empty()) gaps.push_back("no milestone");
  return gaps;
}

void DeriveMeasurementPlan(v1::Initiative* initiative) {
  std::vector<std::string> gaps = MeasurementPlanGaps(*initiative);
  initiative->set_measurement_plan_status(gaps.empty() ? v1::COMPLETE : v1::INCOMPLETE);
  initiative->clear_measurement_plan_gaps();
  for (std::string& gap : gaps) initiative->add_measurement_plan_gaps(std::move(gap));
}

}  // namespace psc::registry
