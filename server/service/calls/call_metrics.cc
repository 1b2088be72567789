#include "server/service/calls/call_metrics.h"

#include "absl/time/time.h"

namespace psc::service {
namespace {

// From 100 µs (a Get on a warm cache) to 10 s (a report over a large registry).
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return *buckets;
}

}  // namespace

CallMetrics::CallMetrics(prometheus::Registry& registry)
    : handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Calls completed on the server, by method and status code")
                   .Register(registry)),
      handling_(prometheus::BuildHistogram()
                    .Name("grpc_server_handling_seconds")
                    .Help("Time from a call's arrival to its status, by method")
                    .Register(registry)),
      refused_(prometheus::BuildCounter()
                   .Name("psc_calls_refused_total")
                   .Help("Calls refused for who is calling (PERMISSION_DENIED, "
                         "UNAUTHENTICATED), by code and reason")
                   .Register(registry)),
      rate_limited_(prometheus::BuildCounter()
                        .Name("psc_calls_rate_limited_total")
                        .Help("Calls refused RESOURCE_EXHAUSTED / RATE_LIMITED, by method")
                        .Register(registry)) {}

void CallMetrics::OnCallEnd(const CallRecord& call) {
  const char* code = MetricCodeName(call.code);
  handled_
      .Add({{"grpc_service", call.service},
            {"grpc_method", call.method},
            {"grpc_type", call.type},
            {"grpc_code", code}})
      .Increment();
  handling_
      .Add({{"grpc_service", call.service}, {"grpc_method", call.method}, {"grpc_type", call.type}},
           LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(call.duration));
  if (call.code == grpc::StatusCode::PERMISSION_DENIED ||
      call.code == grpc::StatusCode::UNAUTHENTICATED) {
    refused_.Add({{"grpc_code", code}, {"reason", call.reason}}).Increment();
  }
  if (call.reason == "RATE_LIMITED") rate_limited_.Add({{"grpc_method", call.method}}).Increment();
}

}  // namespace psc::service
