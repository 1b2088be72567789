#pragma once
// What pscd observes of each finished call of the Registry service, and the one interceptor
// that reports it: the refusal audit, the call metrics and the call log are its observers.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status.h"

namespace psc::service {

struct CallRecord {
  const char* service = "";    // e.g. "psc.registry.v1.Registry"
  std::string method;          // e.g. "GetInitiative"
  const char* type = "unary";  // or "server_stream" (go-grpc-prometheus's grpc_type)
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string reason;          // the ErrorInfo reason of an error, e.g. "NOT_OWNER"
  absl::Duration duration;     // from the call's arrival to its status
  std::string identity;        // the client's URI SAN, "(plaintext)" or "-"
  std::string on_behalf_of;    // the user a gateway named (psc-on-behalf-of), or ""
  std::string resource = "-";  // the request's name, else its parent, else "-"
  std::string request_id;      // the request's request_id, if it has one
};

// The canonical name of `code`, e.g. "PERMISSION_DENIED".
const char* StatusCodeName(grpc::StatusCode code);

// `code` as go-grpc-prometheus labels it (grpc_code), e.g. "PermissionDenied", so that the
// dashboards and alerts written for it work unchanged.
const char* MetricCodeName(grpc::StatusCode code);

// Receives every finished call. Thread-safe; must not block (it runs on gRPC's threads).
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  virtual void OnCallEnd(const CallRecord& call) = 0;
};

// The interceptor factory that passes each finished call of the Registry service to every one
// of `observers` (which must outlive the server), in order. `in_flight`, when not null (and
// outliving the server), counts the calls of the Registry service under way: arrived, and not
// yet done with.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CallObserverInterceptor(
    std::vector<CallObserver*> observers, std::atomic<int64_t>* in_flight = nullptr);

}  // namespace psc::service
