#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/rpc/status.pb.h"

namespace psc::client {

// The AIP-193 details the server attaches to every error.
struct ErrorDetails {
  struct FieldViolation {
    std::string field;        // e.g. "initiative.measures[0].name"
    std::string description;  // e.g. "is required"
  };
  std::string reason;  // UPPER_SNAKE, e.g. "VALIDATION_FAILED", "ETAG_MISMATCH"
  std::string domain;  // "psc-registry" for errors the registry raises
  std::map<std::string, std::string> metadata;
  std::vector<FieldViolation> field_violations;  // set on validation errors
  // How long the server asks the client to wait before retrying (a google.rpc.RetryInfo), e.g.
  // with RATE_LIMITED or SERVER_BUSY; zero when it did not say.
  absl::Duration retry_delay = absl::ZeroDuration();
};

// The details carried by a status that RegistryClient returned. Empty for OK, and for errors
// raised before reaching the server (then `reason` is empty too). Thread-safe.
ErrorDetails GetErrorDetails(const absl::Status& status);

// An error carried inside a response (BatchCreateResult.error) as RegistryClient returns the
// errors of calls: OK for an unset status (code 0), and GetErrorDetails reads its details.
// Thread-safe.
absl::Status FromRpcStatus(const google::rpc::Status& status);

}  // namespace psc::client
