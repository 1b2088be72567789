#pragma once
// How every unary handler starts and ends: authenticate the caller or finish with the error,
// and finish with an absl::Status.

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "server/auth/authenticator.h"
#include "server/common/errors.h"
#include "server/common/worker_pool.h"
#include "server/service/grpc_status.h"

namespace psc::service {

// Finishes the call's default reactor with `status` (AIP-193 details) and returns it.
inline grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                             const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Runs `work` (returning absl::Status) on `pool` and finishes the call with its result: for
// handlers whose work may block or scan, which must not hold a gRPC callback thread. When the
// pool's queue is full the call is finished at once with UNAVAILABLE, reason SERVER_BUSY, and a
// RetryInfo. Whatever `work` captures must live until the call finishes (the request, the
// response and the context do).
template <typename Work>
grpc::ServerUnaryReactor* FinishOnPool(grpc::CallbackServerContext* context, WorkerPool* pool,
                                       Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!pool->TrySubmit([reactor, work]() mutable { reactor->Finish(ToGrpcStatus(work())); })) {
    reactor->Finish(ToGrpcStatus(RetryLater(absl::StatusCode::kUnavailable, "SERVER_BUSY",
                                            "too many slow calls are waiting; retry shortly",
                                            absl::Milliseconds(200))));
  }
  return reactor;
}

}  // namespace psc::service

// In a unary handler with a `context`: authenticates its caller into `const Caller& caller`
// with `authenticator` (an auth::Authenticator), or finishes the call with the error
// (UNKNOWN_PRINCIPAL) and returns.
#define PSC_AUTHENTICATE_OR_FINISH(authenticator, caller)                                   \
  auto caller##_or = (authenticator).Authenticate(*context->auth_context());                \
  if (!caller##_or.ok()) return ::psc::service::FinishUnary(context, caller##_or.status()); \
  const Caller& caller = *caller##_or
