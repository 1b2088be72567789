#include "psc/client/registry_client.h"

#include "client/src/call.h"

namespace psc::client {

RegistryClient::RegistryClient(ClientOptions options)
    : options_(std::move(options)), call_(std::make_unique<Call>(options_)) {}

RegistryClient::~RegistryClient() = default;

absl::StatusOr<v1::ListResourceHistoryResponse> RegistryClient::ListResourceHistory(
    const v1::ListResourceHistoryRequest& request) {
  return call_->Unary(&Stub::ListResourceHistory, request, Retry::kYes);
}

absl::StatusOr<bool> RegistryClient::IsServing() {
  auto response = call_->Health(grpc::health::v1::HealthCheckRequest());
  if (!response.ok()) return response.status();
  return response->status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

}  // namespace psc::client
