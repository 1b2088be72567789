#pragma once
// The rules of one data point and the bounds of a series, shared by the series kind (every
// write) and BatchUpsertMeasurements (each point of a batch, with its own path).

#include <cstddef>

#include "absl/strings/string_view.h"
#include "psc/registry/v1/measure.pb.h"
#include "server/registry/fields/validator.h"

namespace psc::registry {

inline constexpr int kMaxSeriesPoints = 1000;
inline constexpr int kMaxBatchPoints = 1000;
inline constexpr int kMaxSitesPerMeasure = 50;
inline constexpr size_t kMaxAnnotation = 200;
inline constexpr size_t kMaxSiteName = 200;

// Appends violations of `point` (paths under `path`): a real period, exactly one of value or
// numerator with denominator, finite numbers, a denominator greater than 0, the annotation's
// bound.
void ValidatePoint(Validator& v, absl::string_view path, const v1::MeasurePoint& point);

}  // namespace psc::registry
