#pragma once
// BatchUpsertMeasurements' pure steps: the stateless checks of a batch, and merging a batch into
// the stored series of an initiative. No storage and no callers: measurements.cc loads and
// authorizes, these decide what the batch means.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "psc/registry/v1/initiative.pb.h"
#include "psc/registry/v1/measure.pb.h"
#include "server/common/errors.h"

namespace psc::registry::measures {

// The points of a batch for one series, in batch order.
struct SeriesBatch {
  std::string measure;
  std::string site;
  std::vector<int> indices;  // into the request's measurements
};

// Violations of the request that need no stored data: the batch size, each measurement's
// measure and site ids, site name and point, and periods strictly increasing within each
// (measure, site). Paths are "measurements[k]...".
std::vector<FieldViolation> CheckBatch(const v1::BatchUpsertMeasurementsRequest& request);

// The batch grouped by series, in order of each series' first point.
std::vector<SeriesBatch> GroupBySeries(const v1::BatchUpsertMeasurementsRequest& request);

// Violations against the initiative: a measurement whose measure `initiative` does not have.
std::vector<FieldViolation> CheckMeasures(const v1::BatchUpsertMeasurementsRequest& request,
                                          const v1::Initiative& initiative);

struct MergeCounts {
  int added = 0;
  int replaced = 0;
  int unchanged = 0;
};

// `stored` (null for a new series) with the batch's points added or replaced by period, and
// the site name replaced when the batch gives one. Violation (under the group's first
// measurement) when the result would exceed kMaxSeriesPoints. `changed` tells whether the
// result differs from `stored`.
struct Merged {
  v1::MeasureSeries series;
  bool changed = false;
};
absl::StatusOr<Merged> MergeSeries(const v1::BatchUpsertMeasurementsRequest& request,
                                   const SeriesBatch& batch, const v1::MeasureSeries* stored,
                                   MergeCounts* counts);

}  // namespace psc::registry::measures
