#pragma once
// gRPC handlers for measure data and SPC charts (measure.proto).

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "psc/registry/v1/registry_service.pb.h"
#include "server/common/worker_pool.h"
#include "server/registry/measures/measurements.h"
#include "server/service/calls/call_gate.h"

namespace psc::service {

namespace v1 = registry::v1;

class MeasureMethods {
 public:
  // All must outlive the methods. Lists and charts run on `pool`: they read whole series.
  MeasureMethods(registry::Measurements* measurements, const registry::Registry* registry,
                 const CallGate* gate, WorkerPool* pool)
      : measurements_(measurements), registry_(registry), gate_(gate), pool_(pool) {}

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* BatchUpsert(Context* c, const v1::BatchUpsertMeasurementsRequest& request,
                       v1::BatchUpsertMeasurementsResponse* response);
  Reactor* List(Context* c, const v1::ListMeasurementsRequest& request,
                v1::ListMeasurementsResponse* response);
  Reactor* Chart(Context* c, const v1::GetMeasureChartRequest& request, v1::MeasureChart* response);
  Reactor* Spread(Context* c, const v1::GetSpreadReportRequest& request,
                  v1::SpreadReport* response);

 private:
  registry::Measurements* measurements_;
  const registry::Registry* registry_;
  const CallGate* gate_;
  WorkerPool* pool_;
};

}  // namespace psc::service
