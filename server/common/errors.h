#pragma once

// Builds absl::Status values that carry AIP-193 error details: an ErrorInfo with an UPPER_SNAKE
// reason, and for validation errors a BadRequest with field violations. The details travel as
// a serialized google.rpc.Status payload, which service/ copies into the gRPC trailer.

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/rpc/status.pb.h"

namespace psc {

// The ErrorInfo domain of every error this server raises.
inline constexpr absl::string_view kErrorDomain = "psc-registry";
// The payload URL under which an absl::Status holds its google.rpc.Status.
inline constexpr absl::string_view kStatusDetailsUrl = "type.googleapis.com/google.rpc.Status";

struct FieldViolation {
  std::string field;
  std::string description;
};

// A status with `code`, `message`, an ErrorInfo of `reason` and, when `violations` is not
// empty, a BadRequest holding them.
absl::Status Error(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                   const std::vector<FieldViolation>& violations = {},
                   const std::map<std::string, std::string>& metadata = {});

// INVALID_ARGUMENT with `reason` and one BadRequest violation naming `field`; the message is
// "field: description". The form of every invalid-argument error that is not a validation.
absl::Status ArgumentError(absl::string_view field, absl::string_view reason,
                           absl::string_view description);

// Error details stay small enough for any client's header limits (8 KiB by default): at most
// kMaxViolations violations (then one saying how many more), each field path and description
// and the message cut, on a character boundary, to these many characters.
inline constexpr size_t kMaxViolations = 20;
inline constexpr size_t kMaxViolationChars = 100;
inline constexpr size_t kMaxMessageChars = 500;

// INVALID_ARGUMENT, reason VALIDATION_FAILED, with one BadRequest violation per entry.
// The message lists the violations too, for humans reading logs.
absl::Status ValidationError(const std::vector<FieldViolation>& violations);

// "field: description; field: description".
std::string JoinViolations(const std::vector<FieldViolation>& violations);

// `code` (UNAVAILABLE or RESOURCE_EXHAUSTED) with `reason`, and a RetryInfo saying to retry
// after `delay`: for load the server sheds rather than queues.
absl::Status RetryLater(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                        absl::Duration delay);

// The google.rpc.Status for `status`: its payload if it has one, else one built from the code
// and message with an ErrorInfo whose reason is the code's name (e.g. "INTERNAL").
google::rpc::Status ToRpcStatus(const absl::Status& status);

// The ErrorInfo reason of `status`, or "" when it is OK.
std::string ErrorReason(const absl::Status& status);

// The BadRequest field violations of `status`, if any.
std::vector<FieldViolation> FieldViolations(const absl::Status& status);

}  // namespace psc
