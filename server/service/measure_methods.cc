#include "server/service/measure_methods.h"

#include "server/registry/report/spread_report.h"
#include "server/service/unary_call.h"

namespace psc::service {

using Reactor = grpc::ServerUnaryReactor;

Reactor* MeasureMethods::BatchUpsert(Context* context,
                                     const v1::BatchUpsertMeasurementsRequest& request,
                                     v1::BatchUpsertMeasurementsResponse* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  UnaryReactor* reactor = NewUnaryReactor();
  measurements_->BatchUpsert(caller, request,
                             [reactor, response](absl::StatusOr<registry::ResourcePtr> result) {
                               if (result.ok()) response->CopyFrom(**result);
                               reactor->Finish(ToGrpcStatus(result.status()));
                             });
  return reactor;
}

Reactor* MeasureMethods::List(Context* context, const v1::ListMeasurementsRequest& request,
                              v1::ListMeasurementsResponse* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return FinishOnPool(pool_, [this, caller, &request, response, slot = caller_admitted->slot] {
    auto page = measurements_->List(caller, request);
    if (page.ok()) *response = *std::move(page);
    return page.status();
  });
}

Reactor* MeasureMethods::Chart(Context* context, const v1::GetMeasureChartRequest& request,
                               v1::MeasureChart* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return FinishOnPool(pool_, [this, caller, &request, response, slot = caller_admitted->slot] {
    auto chart = measurements_->Chart(caller, request);
    if (chart.ok()) *response = *std::move(chart);
    return chart.status();
  });
}

Reactor* MeasureMethods::Spread(Context* context, const v1::GetSpreadReportRequest& request,
                                v1::SpreadReport* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  // Reads every initiative and series: on the pool, not a gRPC thread.
  return FinishOnPool(pool_, [this, caller, &request, response, slot = caller_admitted->slot] {
    auto report = registry::BuildSpreadReport(*registry_, caller, request);
    if (report.ok()) *response = *std::move(report);
    return report.status();
  });
}

}  // namespace psc::service
