#include "client/src/credentials.h"

namespace psc::client {

std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(const ClientOptions& options) {
  return grpc::InsecureChannelCredentials();
}

}  // namespace psc::client
