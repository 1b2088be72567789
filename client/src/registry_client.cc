#include "psc/client/registry_client.h"

#include "client/src/call.h"

namespace psc::client {

RegistryClient::RegistryClient(ClientOptions options)
    : options_(std::move(options)), call_(std::make_unique<Call>(options_)) {}

RegistryClient::RegistryClient(ClientOptions options, std::unique_ptr<Call> call)
    : options_(std::move(options)), call_(std::move(call)) {}

RegistryClient::~RegistryClient() = default;

std::unique_ptr<RegistryClient> RegistryClient::ActingFor(std::string user) const {
  ClientOptions options = options_;
  options.on_behalf_of = user;
  // Not make_unique: the constructor that takes a Call is private.
  return std::unique_ptr<RegistryClient>(
      new RegistryClient(std::move(options), std::make_unique<Call>(*call_, std::move(user))));
}

absl::StatusOr<v1::ListResourceHistoryResponse> RegistryClient::ListResourceHistory(
    const v1::ListResourceHistoryRequest& request) {
  return call_->Unary(&Stub::ListResourceHistory, request, Retry::kYes);
}

absl::StatusOr<v1::BatchCreateRecordsResponse> RegistryClient::BatchCreateRecords(
    const v1::BatchCreateRecordsRequest& request) {
  return call_->Unary(&Stub::BatchCreateRecords, request, Retry::kNo);
}

absl::StatusOr<v1::SearchResponse> RegistryClient::Search(const v1::SearchRequest& request) {
  return call_->Unary(&Stub::Search, request, Retry::kYes);
}

absl::StatusOr<v1::FindExpertsResponse> RegistryClient::FindExperts(
    const v1::FindExpertsRequest& request) {
  return call_->Unary(&Stub::FindExperts, request, Retry::kYes);
}

absl::StatusOr<v1::FindSimilarInitiativesResponse> RegistryClient::FindSimilarInitiatives(
    const v1::FindSimilarInitiativesRequest& request) {
  return call_->Unary(&Stub::FindSimilarInitiatives, request, Retry::kYes);
}

absl::StatusOr<v1::Principal> RegistryClient::GetCaller() {
  return call_->Unary(&Stub::GetCaller, v1::GetCallerRequest(), Retry::kYes);
}

absl::StatusOr<bool> RegistryClient::IsServing(const std::string& service) {
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  auto response = call_->Health(request);
  if (!response.ok()) return response.status();
  return response->status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

}  // namespace psc::client
