// libFuzzer target: a BatchUpsertMeasurementsRequest from an untrusted caller (protobuf wire
// bytes), through the batch's checks, the merge into (empty) series, and, for a batch the
// checks accept, the SPC chart of every series it makes, with and without fixed limits and
// screening. Must never crash, hang or leak; refusals are fine.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "server/registry/measures/batch_merge.h"
#include "server/spc/chart_builder.h"
#include "server/spc/points.h"

namespace v1 = psc::registry::v1;
namespace measures = psc::registry::measures;
namespace spc = psc::spc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  v1::BatchUpsertMeasurementsRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  if (!measures::CheckBatch(request).empty()) return 0;
  v1::Initiative initiative;
  initiative.set_name("initiatives/fuzz");
  for (const v1::Measurement& m : request.measurements()) {
    if (spc::FindMeasure(initiative, m.measure()) != nullptr) continue;
    v1::Measure* measure = initiative.add_measures();
    measure->set_id(m.measure());
    measure->set_kind(v1::OUTCOME);
    measure->set_improvement_direction(
        static_cast<v1::ImprovementDirection>(initiative.measures_size() % 4));
    measure->set_rate_multiplier(initiative.measures_size() % 2 == 0 ? 100 : 0);
    if (initiative.measures_size() % 3 == 0) measure->set_target_value(m.point().value());
  }
  if (!measures::CheckMeasures(request, initiative).empty()) abort();  // all were added
  for (const measures::SeriesBatch& batch : measures::GroupBySeries(request)) {
    measures::MergeCounts counts;
    auto merged = measures::MergeSeries(request, batch, nullptr, &counts);
    if (!merged.ok()) continue;
    if (counts.added != static_cast<int>(batch.indices.size())) abort();
    merged->series.set_site(batch.site);
    merged->series.set_measure(batch.measure);
    const v1::Measure& measure = *spc::FindMeasure(initiative, batch.measure);
    v1::GetMeasureChartRequest options;
    (void)spc::BuildChart(initiative, measure, {merged->series}, options);
    options.set_screen_moving_ranges(true);
    options.set_fix_after_points(static_cast<int>(size % 5));
    (void)spc::BuildChart(initiative, measure, {merged->series, merged->series}, options);
  }
  return 0;
}
