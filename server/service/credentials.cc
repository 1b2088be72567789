#include "server/service/credentials.h"

namespace psc::service {

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials() {
  return grpc::InsecureServerCredentials();
}

}  // namespace psc::service
