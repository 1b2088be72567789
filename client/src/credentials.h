#pragma once

// The one place that decides the client's channel credentials. mTLS slots in here.

#include <memory>

#include "grpcpp/security/credentials.h"
#include "psc/client/options.h"

namespace psc::client {

std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(const ClientOptions& options);

}  // namespace psc::client
