#pragma once
// gRPC handlers for measure data and SPC charts (measure.proto).

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "psc/registry/v1/registry_service.pb.h"
#include "server/common/worker_pool.h"
#include "server/registry/measures/measurements.h"
#include "server/registry/report/report_follower.h"
#include "server/service/calls/call_gate.h"

namespace psc::service {

namespace v1 = registry::v1;

class MeasureMethods {
 public:
  // All must outlive the methods. Lists and charts run on `pool`: they read whole series; the
  // spread report comes from `reports`.
  MeasureMethods(registry::Measurements* measurements, const registry::ReportFollower* reports,
                 const CallGate* gate, WorkerPool* pool)
      : measurements_(measurements), reports_(reports), gate_(gate), pool_(pool) {}

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
  const registry::ReportFollower* reports_;
  const CallGate* gate_;
  WorkerPool* pool_;
};

}  // namespace psc::service
