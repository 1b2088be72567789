#pragma once
// Requests whose body does not parse (a garbage or truncated body, invalid UTF-8 in a string
// field) are answered INVALID_ARGUMENT with reason MALFORMED_REQUEST. gRPC's callback server
// answers them UNIMPLEMENTED with no message, which tells a client the method does not exist.
// This interceptor sees that the call received no message and rewrites that answer; a method
// really left unimplemented still answers UNIMPLEMENTED (EveryMethodTest checks none is).

#include <memory>
#include <vector>

#include "grpcpp/support/server_interceptor.h"

namespace psc::service {

// The interceptor factories to give ServerBuilder::experimental().SetInterceptorCreators.
std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MalformedRequestInterceptors();

}  // namespace psc::service
