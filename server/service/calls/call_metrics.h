#pragma once
// Prometheus metrics of the Registry service's calls, under the names the gRPC ecosystem uses
// (go-grpc-prometheus), so existing dashboards and alerts work:
//
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}   counter
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type}          histogram
//   psc_calls_refused_total{grpc_code,reason}   PERMISSION_DENIED and UNAUTHENTICATED calls
//
// grpc_code values are go-grpc-prometheus's ("OK", "NotFound", "PermissionDenied", ...).
//   psc_calls_rate_limited_total{grpc_method}   calls refused RESOURCE_EXHAUSTED / RATE_LIMITED

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/service/calls/call_observer.h"

namespace psc::service {

// Thread-safe.
class CallMetrics final : public CallObserver {
 public:
  // Registers the families in `registry`, which must outlive this object.
  explicit CallMetrics(prometheus::Registry& registry);

  void OnCallEnd(const CallRecord& call) override;

 private:
  static constexpr int kCodes = 17;  // grpc::StatusCode OK .. UNAUTHENTICATED
  // One method's series, found once and kept: a call then costs no label map and no lock of
  // the family (prometheus-cpp's Add hashes the labels under the family's mutex).
  struct MethodSeries {
    std::array<std::atomic<prometheus::Counter*>, kCodes> handled{};
    std::atomic<prometheus::Histogram*> handling{nullptr};
  };

  prometheus::Counter& Handled(const CallRecord& call);
  prometheus::Histogram& Handling(const CallRecord& call);

  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_;
  prometheus::Family<prometheus::Counter>& refused_;
  prometheus::Family<prometheus::Counter>& rate_limited_;
  // By the Registry service's method name; read-only after construction.
  absl::flat_hash_map<std::string, std::unique_ptr<MethodSeries>> series_;
};

}  // namespace psc::service
