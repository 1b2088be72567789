#include "server/service/calls/call_metrics.h"

#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "psc/registry/v1/registry_service.grpc.pb.h"

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
                        .Register(registry)) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          registry::v1::Registry::service_full_name());
  for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
    series_.emplace(service->method(i)->name(), std::make_unique<MethodSeries>());
  }
}

prometheus::Counter& CallMetrics::Handled(const CallRecord& call) {
  const auto add = [&]() -> prometheus::Counter& {
    return handled_.Add({{"grpc_service", call.service},
                         {"grpc_method", call.method},
                         {"grpc_type", call.type},
                         {"grpc_code", MetricCodeName(call.code)}});
  };
  const int code = static_cast<int>(call.code);
  auto it = series_.find(call.method);
  if (it == series_.end() || code < 0 || code >= kCodes) return add();
  std::atomic<prometheus::Counter*>& slot = it->second->handled[code];
  prometheus::Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {  // Add returns the same series to every caller: racing is harmless
    counter = &add();
    slot.store(counter, std::memory_order_release);
  }
  return *counter;
}

prometheus::Histogram& CallMetrics::Handling(const CallRecord& call) {
  const auto add = [&]() -> prometheus::Histogram& {
    return handling_.Add(
        {{"grpc_service", call.service}, {"grpc_method", call.method}, {"grpc_type", call.type}},
        LatencyBuckets());
  };
  auto it = series_.find(call.method);
  if (it == series_.end()) return add();
  prometheus::Histogram* histogram = it->second->handling.load(std::memory_order_acquire);
  if (histogram == nullptr) {
    histogram = &add();
    it->second->handling.store(histogram, std::memory_order_release);
  }
  return *histogram;
}

void CallMetrics::OnCallEnd(const CallRecord& call) {
  const char* code = MetricCodeName(call.code);
  Handled(call).Increment();
  Handling(call).Observe(absl::ToDoubleSeconds(call.duration));
  if (call.code == grpc::StatusCode::PERMISSION_DENIED ||
      call.code == grpc::StatusCode::UNAUTHENTICATED) {
    refused_.Add({{"grpc_code", code}, {"reason", call.reason}}).Increment();
  }
  if (call.reason == "RATE_LIMITED") rate_limited_.Add({{"grpc_method", call.method}}).Increment();
}

}  // namespace psc::service
