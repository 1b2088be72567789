#include "server/service/caller.h"

namespace psc::service {

std::string CallerIdentity(const grpc::CallbackServerContext& context) { return "anonymous"; }

}  // namespace psc::service
