#include "server/registry/kinds/measure_points.h"

#include <cmath>
#include <string>

namespace psc::registry {
namespace {

void Finite(Validator& v, const std::string& path, double x) {
  if (!std::isfinite(x)) v.Fail(path, "must be a finite number");
}

}  // namespace

void ValidatePoint(Validator& v, absl::string_view path, const v1::MeasurePoint& point) {
  if (!point.has_period()) {
    v.Fail(Sub(path, "period"), "is required");
  } else {
    v.Date(Sub(path, "period"), &point.period());
  }
  const bool rate = point.has_numerator() || point.has_denominator();
  if (point.has_value() == rate) {
    v.Fail(Sub(path, "value"), point.has_value()
                                   ? "give a value or a numerator and denominator, not both"
                                   : "is required (or a numerator and denominator)");
  }
  if (point.has_value()) Finite(v, Sub(path, "value"), point.value());
  if (rate) {
    if (!point.has_numerator()) v.Fail(Sub(path, "numerator"), "is required with a denominator");
    if (!point.has_denominator()) {
      v.Fail(Sub(path, "denominator"), "is required with a numerator");
    } else if (!(point.denominator() > 0)) {
      v.Fail(Sub(path, "denominator"), "must be greater than 0");
    }
    Finite(v, Sub(path, "numerator"), point.numerator());
    Finite(v, Sub(path, "denominator"), point.denominator());
  }
  v.Text(Sub(path, "annotation"), point.annotation(), kMaxAnnotation);
}

}  // namespace psc::registry
