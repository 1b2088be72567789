// Operations (server_status.proto): a read, retried on transient errors.

#include "client/src/call.h"
#include "psc/client/registry_client.h"

namespace psc::client {

absl::StatusOr<v1::ServerStatus> RegistryClient::GetServerStatus() {
  return call_->Unary(&v1::Registry::Stub::GetServerStatus, v1::GetServerStatusRequest(),
                      Retry::kYes);
}

}  // namespace psc::client
