#pragma once

// The one place that decides the server's transport credentials. Transport security (mTLS)
// slots in here.

#include <memory>

#include "grpcpp/security/server_credentials.h"

namespace psc::service {

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials();

}  // namespace psc::service
