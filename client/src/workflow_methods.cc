// The collaboration workflows and the network report (workflow.proto). Writes are not retried
// (a decision sent twice would meet INVALID_STATE); reads are.

#include "client/src/call.h"
#include "psc/client/registry_client.h"

namespace psc::client {

using Stub = v1::Registry::Stub;

absl::StatusOr<v1::JoinRequest> RegistryClient::CreateJoinRequest(
    const std::string& initiative, const v1::JoinRequest& join_request) {
  v1::CreateJoinRequestRequest request;
  request.set_parent(initiative);
  *request.mutable_join_request() = join_request;
  return CreateJoinRequest(request);
}

absl::StatusOr<v1::JoinRequest> RegistryClient::CreateJoinRequest(
    const v1::CreateJoinRequestRequest& request) {
  return call_->Unary(&Stub::CreateJoinRequest, request, Retry::kNo);
}

absl::StatusOr<v1::ListJoinRequestsResponse> RegistryClient::ListJoinRequests(
    const v1::ListJoinRequestsRequest& request) {
  return call_->Unary(&Stub::ListJoinRequests, request, Retry::kYes);
}

absl::StatusOr<v1::JoinRequest> RegistryClient::ApproveJoinRequest(
    const v1::DecideRequest& request) {
  return call_->Unary(&Stub::ApproveJoinRequest, request, Retry::kNo);
}

absl::StatusOr<v1::JoinRequest> RegistryClient::DeclineJoinRequest(
    const v1::DecideRequest& request) {
  return call_->Unary(&Stub::DeclineJoinRequest, request, Retry::kNo);
}

absl::StatusOr<v1::JoinRequest> RegistryClient::WithdrawJoinRequest(
    const v1::DecideRequest& request) {
  return call_->Unary(&Stub::WithdrawJoinRequest, request, Retry::kNo);
}

absl::StatusOr<v1::Initiative> RegistryClient::LeaveInitiative(
    const v1::LeaveInitiativeRequest& request) {
  return call_->Unary(&Stub::LeaveInitiative, request, Retry::kNo);
}

absl::StatusOr<v1::Initiative> RegistryClient::ReviewInitiative(
    const v1::ReviewInitiativeRequest& request) {
  return call_->Unary(&Stub::ReviewInitiative, request, Retry::kNo);
}

absl::StatusOr<v1::SharingRequest> RegistryClient::CreateSharingRequest(
    const std::string& expert, const v1::SharingRequest& sharing_request) {
  v1::CreateSharingRequestRequest request;
  request.set_parent(expert);
  *request.mutable_sharing_request() = sharing_request;
  return CreateSharingRequest(request);
}

absl::StatusOr<v1::SharingRequest> RegistryClient::CreateSharingRequest(
    const v1::CreateSharingRequestRequest& request) {
  return call_->Unary(&Stub::CreateSharingRequest, request, Retry::kNo);
}

absl::StatusOr<v1::ListSharingRequestsResponse> RegistryClient::ListSharingRequests(
    const v1::ListSharingRequestsRequest& request) {
  return call_->Unary(&Stub::ListSharingRequests, request, Retry::kYes);
}

absl::StatusOr<v1::SharingRequest> RegistryClient::AcceptSharingRequest(
    const v1::DecideRequest& request) {
  return call_->Unary(&Stub::AcceptSharingRequest, request, Retry::kNo);
}

absl::StatusOr<v1::SharingRequest> RegistryClient::DeclineSharingRequest(
    const v1::DecideRequest& request) {
  return call_->Unary(&Stub::DeclineSharingRequest, request, Retry::kNo);
}

absl::StatusOr<v1::SharingRequest> RegistryClient::CancelSharingRequest(
    const v1::DecideRequest& request) {
  return call_->Unary(&Stub::CancelSharingRequest, request, Retry::kNo);
}

absl::StatusOr<v1::SharingRequest> RegistryClient::CompleteSharingRequest(
    const v1::CompleteSharingRequestRequest& request) {
  return call_->Unary(&Stub::CompleteSharingRequest, request, Retry::kNo);
}

absl::StatusOr<v1::NetworkReport> RegistryClient::GetNetworkReport(
    const std::string& collaborative) {
  v1::GetNetworkReportRequest request;
  request.set_collaborative(collaborative);
  return call_->Unary(&Stub::GetNetworkReport, request, Retry::kYes);
}

}  // namespace psc::client
