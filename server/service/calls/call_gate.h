#pragma once
// What every call passes first: authentication (auth::Authenticator), then the caller's
// per-identity limits (call_limits.h).

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "server/auth/authenticator.h"
#include "server/common/caller.h"
#include "server/common/status_macros.h"
#include "server/service/calls/call_limits.h"

namespace psc::service {

// Thread-safe.
class CallGate {
 public:
  // Both must outlive the gate; `limits` may be null (no limits).
  CallGate(const auth::Authenticator* authenticator, CallLimits* limits)
      : authenticator_(authenticator), limits_(limits) {}

  struct Admitted {
    Caller caller;
    CallLimits::Slot slot;  // keep it until the call's work is done
  };

  // The caller of a call of `cost` (of `writes` writes, for a batch); UNKNOWN_PRINCIPAL
  // (Authenticator::Authenticate) or RATE_LIMITED (CallLimits::Admit).
  absl::StatusOr<Admitted> Admit(const grpc::ServerContextBase& context, Cost cost,
                                 int writes = 1) const {
    PSC_ASSIGN_OR_RETURN(Caller caller, Authenticate(context));
    CallLimits::Slot slot;
    if (limits_ != nullptr) {
      PSC_ASSIGN_OR_RETURN(slot, limits_->Admit(caller, cost, writes));
    }
    return Admitted{std::move(caller), std::move(slot)};
  }

  // The caller of a call, by its certificate and its psc-on-behalf-of metadata
  // (Authenticator::Authenticate).
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& context) const {
    return authenticator_->Authenticate(*context.auth_context(), auth::OnBehalfOf(context));
  }

  const auth::Authenticator& authenticator() const { return *authenticator_; }

 private:
  const auth::Authenticator* authenticator_;
  CallLimits* limits_;
};

}  // namespace psc::service
