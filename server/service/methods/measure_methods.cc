#include "server/service/methods/measure_methods.h"

#include "server/service/calls/unary_call.h"

namespace psc::service {

using Reactor = grpc::ServerUnaryReactor;

Reactor* MeasureMethods::BatchUpsert(Context* context,
                                     const v1::BatchUpsertMeasurementsRequest& request,
                                     v1::BatchUpsertMeasurementsResponse* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  UnaryReactor* reactor = NewUnaryReactor();
  measurements_->BatchUpsert(caller, request, FinishWhenWritten(reactor, response));
  return reactor;
}

Reactor* MeasureMethods::List(Context* context, const v1::ListMeasurementsRequest& request,
                              v1::ListMeasurementsResponse* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return ServeOnPool(pool_, response, caller_admitted->slot,
                     [this, caller, &request] { return measurements_->List(caller, request); });
}

Reactor* MeasureMethods::Chart(Context* context, const v1::GetMeasureChartRequest& request,
                               v1::MeasureChart* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return ServeOnPool(pool_, response, caller_admitted->slot,
                     [this, caller, &request] { return measurements_->Chart(caller, request); });
}

Reactor* MeasureMethods::Spread(Context* context, const v1::GetSpreadReportRequest& request,
                                v1::SpreadReport* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  // May wait for the follower to catch up: on the pool, not a gRPC thread.
  return ServeOnPool(pool_, response, caller_admitted->slot,
                     [this, caller, &request] { return reports_->Spread(caller, request); });
}

}  // namespace psc::service
