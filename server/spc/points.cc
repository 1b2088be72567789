#include "server/spc/points.h"

namespace psc::spc {

double ChartValue(const v1::MeasurePoint& point, const v1::Measure& measure) {
  if (point.has_value()) return point.value();
  const double multiplier = measure.rate_multiplier() == 0 ? 1 : measure.rate_multiplier();
  return point.numerator() / point.denominator() * multiplier;
}

const v1::Measure* FindMeasure(const v1::Initiative& initiative, absl::string_view id) {
  if (id.empty()) return nullptr;
  for (const v1::Measure& m : initiative.measures()) {
    if (m.id() == id) return &m;
  }
  return nullptr;
}

}  // namespace psc::spc
