#include "server/service/calls/call_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/common/log.h"

namespace psc::service {

void CallLog::OnCallEnd(const CallRecord& call) {
  const bool ok = call.code == grpc::StatusCode::OK;
  if (level_ == CallLogLevel::kNone || (ok && level_ == CallLogLevel::kErrors)) return;
  const LogField fields[] = {
      {"method", call.method},
      {"code", StatusCodeName(call.code)},
      {"reason", call.reason.empty() ? "-" : call.reason},
      {"duration_ms", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(call.duration))},
      {"identity", call.identity},
      {"on_behalf_of", call.on_behalf_of.empty() ? "-" : call.on_behalf_of},
      {"resource", call.resource},
      {"request_id", call.request_id.empty() ? "-" : call.request_id},
  };
  Log(ok ? LogLevel::kInfo : LogLevel::kWarning, "call", fields);
}

}  // namespace psc::service
