#include "psc/client/error_details.h"

#include "client/src/call.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace psc::client {

ErrorDetails GetErrorDetails(const absl::Status& status) {
  ErrorDetails details;
  auto payload = status.GetPayload(kStatusDetailsUrl);
  google::rpc::Status rpc;
  if (!payload || !rpc.ParseFromString(std::string(*payload))) return details;
  for (const auto& any : rpc.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) {
      details.retry_delay = absl::Seconds(retry.retry_delay().seconds()) +
                            absl::Nanoseconds(retry.retry_delay().nanos());
    } else if (any.UnpackTo(&info)) {
      details.reason = info.reason();
      details.domain = info.domain();
      details.metadata.insert(info.metadata().begin(), info.metadata().end());
    } else if (any.UnpackTo(&bad_request)) {
      for (const auto& fv : bad_request.field_violations()) {
        details.field_violations.push_back({fv.field(), fv.description()});
      }
    }
  }
  return details;
}

absl::Status FromRpcStatus(const google::rpc::Status& status) {
  if (status.code() == 0) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.code()), status.message());
  out.SetPayload(kStatusDetailsUrl, absl::Cord(status.SerializeAsString()));
  return out;
}

}  // namespace psc::client
