#pragma once
// How every unary handler starts and ends: admit the caller or finish with the error
// (PSC_ADMIT_OR_FINISH), then finish with an absl::Status (FinishUnary), on the slow-call pool
// (FinishOnPool, ServeOnPool) or when a registry write completes (FinishWhenWritten).

#include <functional>
#include <memory>

#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "server/common/errors.h"
#include "server/common/worker_pool.h"
#include "server/registry/records/callbacks.h"
#include "server/service/calls/call_gate.h"
#include "server/service/calls/grpc_status.h"
#include "server/service/calls/unary_reactor.h"

namespace psc::service {

// The largest request pscd accepts. gRPC's own limit is set higher (kMaxGrpcReceiveBytes), so a
// larger request reaches the handler and is answered with details: RESOURCE_EXHAUSTED, reason
// REQUEST_TOO_LARGE. Only beyond gRPC's limit does gRPC itself refuse it, without details.
inline constexpr size_t kMaxRequestBytes = 1 << 20;
inline constexpr int kMaxGrpcReceiveBytes = 16 << 20;

inline absl::Status CheckRequestSize(const google::protobuf::Message& request) {
  const size_t size = request.ByteSizeLong();
  if (size <= kMaxRequestBytes) return absl::OkStatus();
  return Error(
      absl::StatusCode::kResourceExhausted, "REQUEST_TOO_LARGE",
      absl::StrCat("the request is ", size, " bytes; at most ", kMaxRequestBytes, " are accepted"),
      {}, {{"max_bytes", absl::StrCat(kMaxRequestBytes)}});
}
inline absl::Status CheckRequestSize(const google::protobuf::Message* request) {
  return CheckRequestSize(*request);
}

// Finishes the call (a new UnaryReactor) with `status` (AIP-193 details) and returns it.
inline grpc::ServerUnaryReactor* FinishUnary(const absl::Status& status) {
  UnaryReactor* reactor = NewUnaryReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Runs `work` (returning absl::Status) on `pool` and finishes the call with its result: for
// handlers whose work may block or scan, which must not hold a gRPC callback thread. When the
// pool's queue is full the call is finished at once with UNAVAILABLE, reason SERVER_BUSY, and a
// RetryInfo. Whatever `work` captures must live until the call finishes (the request, the
// response and the context do).
template <typename Work>
grpc::ServerUnaryReactor* FinishOnPool(WorkerPool* pool, Work work) {
  UnaryReactor* reactor = NewUnaryReactor();
  if (!pool->TrySubmit([reactor, work]() mutable { reactor->Finish(ToGrpcStatus(work())); })) {
    reactor->Finish(ToGrpcStatus(RetryLater(absl::StatusCode::kUnavailable, "SERVER_BUSY",
                                            "too many slow calls are waiting; retry shortly",
                                            absl::Milliseconds(200))));
  }
  return reactor;
}

// Runs `work` (returning absl::StatusOr<Response>) on `pool` as FinishOnPool does, moving its
// value into `response`. `hold` (the caller's expensive-call slot) is kept until the call
// finishes.
template <typename Response, typename Work>
grpc::ServerUnaryReactor* ServeOnPool(WorkerPool* pool, Response* response,
                                      std::shared_ptr<void> hold, Work work) {
  return FinishOnPool(pool, [response, work, hold = std::move(hold)]() mutable {
    absl::StatusOr<Response> result = work();
    if (result.ok()) *response = *std::move(result);
    return result.status();
  });
}

// What a write handler may do with the written resource, once it is in `response`, instead of
// finishing at once (Create and Update of an initiative add their similar-work hint). It must
// finish `reactor`.
using WriteHook = std::function<void(google::protobuf::Message* response, UnaryReactor* reactor)>;

// The callback of a registry write: copies the written resource into `response` and finishes
// the call (or, after a successful write, hands both to `hook`); an error finishes the call.
inline registry::RecordCallback FinishWhenWritten(UnaryReactor* reactor,
                                                  google::protobuf::Message* response,
                                                  WriteHook hook = nullptr) {
  return [reactor, response, hook = std::move(hook)](absl::StatusOr<registry::RecordPtr> result) {
    if (!result.ok()) return reactor->Finish(ToGrpcStatus(result.status()));
    response->CopyFrom(**result);
    if (hook) return hook(response, reactor);
    reactor->Finish(grpc::Status::OK);
  };
}

}  // namespace psc::service

// In a unary handler with a `context` and a `request`: refuses a request over kMaxRequestBytes,
// then admits the call through `gate` (a CallGate) at `cost` (a Cost) into
// `const Caller& caller`, holding `caller_admitted->slot` until the handler returns (capture
// it to hold it longer); any refusal (REQUEST_TOO_LARGE, UNKNOWN_PRINCIPAL, RATE_LIMITED)
// finishes the call and returns.
#define PSC_ADMIT_OR_FINISH(gate, cost, caller)                                                \
  if (absl::Status size = ::psc::service::CheckRequestSize(request); !size.ok())               \
    return ::psc::service::FinishUnary(size);                                                  \
  auto caller##_admitted = (gate).Admit(*context, cost);                                       \
  if (!caller##_admitted.ok()) return ::psc::service::FinishUnary(caller##_admitted.status()); \
  const Caller& caller = caller##_admitted->caller
