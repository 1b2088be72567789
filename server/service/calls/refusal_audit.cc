#include "server/service/calls/refusal_audit.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"

namespace psc::service {

void RefusalAudit::OnCallEnd(const CallRecord& call) {
  if (call.code == grpc::StatusCode::PERMISSION_DENIED ||
      call.code == grpc::StatusCode::UNAUTHENTICATED || call.reason == "RATE_LIMITED") {
    Refused(call.on_behalf_of.empty()
                ? call.identity
                : absl::StrCat(call.identity, " on_behalf_of=", call.on_behalf_of),
            call.method, call.resource, StatusCodeName(call.code), call.reason);
  }
}

void RefusalAudit::Refused(const std::string& identity, const std::string& method,
                           const std::string& resource, const std::string& code,
                           const std::string& reason) {
  int64_t left_out = 0;
  {
    MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    if (!lines_) lines_.emplace(rate_, rate_ * 10, now);
    if (!lines_->Take(now)) {
      ++left_out_;
      return;
    }
    std::swap(left_out, left_out_);
  }
  LogWarning(absl::StrCat(
      "refused: identity=", identity, " method=", method, " resource=", resource, " code=", code,
      " reason=", reason,
      left_out > 0 ? absl::StrCat(" (", left_out, " earlier refusals not logged)") : ""));
}

}  // namespace psc::service
