#include "tools/cli/exit_codes.h"

#include "absl/strings/str_cat.h"
#include "psc/client/error_details.h"

namespace psc::cli {

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kResourceExhausted:
      return kExitRejected;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnavailable;
    default:
      return kExitFailure;
  }
}

int ReportError(const absl::Status& status, std::ostream& err) {
  client::ErrorDetails details = client::GetErrorDetails(status);
  err << "psc: " << absl::StatusCodeToString(status.code()) << ": " << status.message();
  if (!details.reason.empty()) err << " [" << details.reason << "]";
  err << "\n";
  for (const auto& v : details.field_violations) {
    err << "  " << v.field << ": " << v.description << "\n";
  }
  return ExitCodeFor(status);
}

}  // namespace psc::cli
