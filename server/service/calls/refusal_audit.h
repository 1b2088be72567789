#pragma once
// The audit of refused calls: each call pscd refuses for who is calling (PERMISSION_DENIED,
// UNAUTHENTICATED, RATE_LIMITED) is logged once, with the identity, the method, the resource
// named in the request and the reason. At most `lines_per_second` such lines are written (in
// bursts of up to 10 times that), so a flood of refused calls cannot fill the disk; the next
// line written says how many were left out.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/common/mutex.h"
#include "server/common/token_bucket.h"
#include "server/service/calls/call_observer.h"

namespace psc::service {

// Thread-safe.
class RefusalAudit final : public CallObserver {
 public:
  explicit RefusalAudit(double lines_per_second = 20) : rate_(lines_per_second) {}

  // Logs the call if it was refused for who is calling.
  void OnCallEnd(const CallRecord& call) override;

  // Logs one refusal, unless over the rate.
  void Refused(const std::string& identity, const std::string& method, const std::string& resource,
               const std::string& code, const std::string& reason);

 private:
  const double rate_;
  Mutex mu_;
  std::optional<TokenBucket> lines_ ABSL_GUARDED_BY(mu_);  // from the first refusal on
  int64_t left_out_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace psc::service
