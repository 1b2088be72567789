#pragma once

// The one place that decides the client's channel credentials. mTLS slots in here.

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "psc/client/options.h"

namespace psc::client {

// mTLS credentials from the options' PEM files, or plaintext when `options.insecure`.
// FAILED_PRECONDITION naming the file when one is missing or unreadable.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientOptions& options);

}  // namespace psc::client
