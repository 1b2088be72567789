#pragma once
// The call log: one line per finished call of the Registry service, with its method, code,
// reason, duration, caller identity, resource name and request id. Never a request's contents
// (contact details) or any key material.

#include "server/service/calls/call_observer.h"

namespace psc::service {

// Which calls get a line: every one (successes at INFO, errors at WARN), only those that end
// in an error, or none.
enum class CallLogLevel { kAll, kErrors, kNone };

class CallLog final : public CallObserver {
 public:
  explicit CallLog(CallLogLevel level) : level_(level) {}
  void OnCallEnd(const CallRecord& call) override;

 private:
  const CallLogLevel level_;
};

}  // namespace psc::service
