#pragma once
// Measure data (measure.proto): BatchUpsertMeasurements, ListMeasurements and GetMeasureChart.
//
// Writers: ADMIN; a LEAD or MEMBER of the initiative's lead collaborative (every site); a LEAD
// or MEMBER of a participant collaborative (the sites it reports: a new site is reported by the
// caller's collaborative). Others get PERMISSION_DENIED: ROLE_NOT_ALLOWED for READER and ATLAS,
// NOT_OWNER for a collaborative that does not take part, or a participant writing another's
// site. Readers: every role the initiative is visible to but ATLAS. Thread-safe; callbacks run
// as callbacks.h says.

#include "psc/registry/v1/measure.pb.h"
#include "server/common/caller.h"
#include "server/registry/records/callbacks.h"
#include "server/registry/records/registry.h"
#include "server/storage/store.h"

namespace psc::registry {

class Measurements {
 public:
  // Both must outlive the Measurements.
  Measurements(storage::Store* store, const Registry* registry)
      : store_(store), registry_(registry) {}

  // Adds or replaces the batch's points in one commit: one change per series changed, none
  // for a batch that changes nothing. `done` gets a v1::BatchUpsertMeasurementsResponse.
  // INVALID_ARGUMENT (VALIDATION_FAILED, a violation per bad point) and nothing written for
  // any bad point, an unknown measure, a series past kMaxSeriesPoints or a measure past
  // kMaxSitesPerMeasure sites (measure_points.h); NOT_FOUND for an initiative that is not there.
  void BatchUpsert(const Caller& caller, v1::BatchUpsertMeasurementsRequest request,
                   RecordCallback done);

  // One page (at most 10 series, fewer when large) of the initiative's series (every
  // initiative's for the parent `initiatives/-`), with the points in the period range and each
  // point's chart_value.
  absl::StatusOr<v1::ListMeasurementsResponse> List(
      const Caller& caller, const v1::ListMeasurementsRequest& request) const;

  // The chart of one measure (chart_builder.h). NOT_FOUND (MEASURE_NOT_FOUND) for a measure the
  // initiative does not have; an empty chart when it has no data (at the site).
  absl::StatusOr<v1::MeasureChart> Chart(const Caller& caller,
                                         const v1::GetMeasureChartRequest& request) const;

 private:
  storage::Store* store_;
  const Registry* registry_;
};

}  // namespace psc::registry
