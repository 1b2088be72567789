#pragma once

#include <string>

#include "grpcpp/server_context.h"

namespace psc::service {

// The identity recorded as the actor of changes a call makes. Until authentication lands this
// is "anonymous"; it will be the client certificate's URI SAN.
std::string CallerIdentity(const grpc::CallbackServerContext& context);

}  // namespace psc::service
