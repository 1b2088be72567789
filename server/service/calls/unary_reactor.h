#pragma once
// The reactor of every unary call pscd serves.

#include <utility>

#include "grpcpp/support/server_callback.h"
#include "server/common/tsan.h"

namespace psc::service {

// gRPC's ServerUnaryReactor, plus the one ordering ThreadSanitizer cannot see through Debian's
// uninstrumented gRPC: everything done before Finish (writing the response, on whichever
// thread finishes the call) happens before OnDone and the destruction of the request and
// response that follows it on gRPC's thread. Call Finish through this type, not the base.
// Deletes itself in OnDone.
class UnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  void Finish(grpc::Status status) {
    TsanRelease(this);
    grpc::ServerUnaryReactor::Finish(std::move(status));
  }
  void OnDone() override {
    TsanAcquire(this);
    delete this;
  }
};

inline UnaryReactor* NewUnaryReactor() { return new UnaryReactor; }

}  // namespace psc::service
