#include "client/src/call.h"
#include "psc/client/registry_client.h"

namespace psc::client {

absl::StatusOr<v1::Collaborative> RegistryClient::GetCollaborative(const std::string& name) {
  v1::GetCollaborativeRequest request;
  request.set_name(name);
  return call_->Unary(&Stub::GetCollaborative, request, Retry::kYes);
}

absl::StatusOr<v1::ListCollaborativesResponse> RegistryClient::ListCollaboratives(
    const v1::ListCollaborativesRequest& request) {
  return call_->Unary(&Stub::ListCollaboratives, request, Retry::kYes);
}

absl::StatusOr<std::vector<v1::Collaborative>> RegistryClient::ListAllCollaboratives(
    const std::string& filter, const std::string& order_by) {
  v1::ListCollaborativesRequest request;
  request.set_filter(filter);
  request.set_order_by(order_by);
  return ListAll<v1::Collaborative>(
      *call_, &Stub::ListCollaboratives, std::move(request),
      [](v1::ListCollaborativesResponse& page) { return page.mutable_collaboratives(); });
}

absl::StatusOr<v1::Collaborative> RegistryClient::CreateCollaborative(
    const v1::Collaborative& collaborative, const CreateOptions& options) {
  v1::CreateCollaborativeRequest request;
  *request.mutable_collaborative() = collaborative;
  request.set_collaborative_id(options.id);
  request.set_request_id(options.request_id);
  return call_->Unary(&Stub::CreateCollaborative, request,
                      options.request_id.empty() ? Retry::kNo : Retry::kYes);
}

absl::StatusOr<v1::Collaborative> RegistryClient::UpdateCollaborative(
    const v1::Collaborative& collaborative, const google::protobuf::FieldMask& update_mask,
    const std::string& etag) {
  v1::UpdateCollaborativeRequest request;
  *request.mutable_collaborative() = collaborative;
  *request.mutable_update_mask() = update_mask;
  request.set_etag(etag);
  return call_->Unary(&Stub::UpdateCollaborative, request, Retry::kNo);
}

absl::Status RegistryClient::DeleteCollaborative(const std::string& name, const std::string& etag) {
  v1::DeleteCollaborativeRequest request;
  request.set_name(name);
  request.set_etag(etag);
  return call_->Unary(&Stub::DeleteCollaborative, request, Retry::kNo).status();
}

absl::StatusOr<v1::Initiative> RegistryClient::GetInitiative(const std::string& name) {
  v1::GetInitiativeRequest request;
  request.set_name(name);
  return call_->Unary(&Stub::GetInitiative, request, Retry::kYes);
}

absl::StatusOr<v1::ListInitiativesResponse> RegistryClient::ListInitiatives(
    const v1::ListInitiativesRequest& request) {
  return call_->Unary(&Stub::ListInitiatives, request, Retry::kYes);
}

absl::StatusOr<std::vector<v1::Initiative>> RegistryClient::ListAllInitiatives(
    const std::string& filter, const std::string& order_by) {
  v1::ListInitiativesRequest request;
  request.set_filter(filter);
  request.set_order_by(order_by);
  return ListAll<v1::Initiative>(
      *call_, &Stub::ListInitiatives, std::move(request),
      [](v1::ListInitiativesResponse& page) { return page.mutable_initiatives(); });
}

absl::StatusOr<v1::Initiative> RegistryClient::CreateInitiative(const v1::Initiative& initiative,
                                                                const CreateOptions& options) {
  v1::CreateInitiativeRequest request;
  *request.mutable_initiative() = initiative;
  request.set_initiative_id(options.id);
  request.set_request_id(options.request_id);
  request.set_skip_similar_initiatives(options.skip_similar_initiatives);
  return call_->Unary(&Stub::CreateInitiative, request,
                      options.request_id.empty() ? Retry::kNo : Retry::kYes);
}

absl::StatusOr<v1::Initiative> RegistryClient::UpdateInitiative(
    const v1::Initiative& initiative, const google::protobuf::FieldMask& update_mask,
    const std::string& etag) {
  v1::UpdateInitiativeRequest request;
  *request.mutable_initiative() = initiative;
  *request.mutable_update_mask() = update_mask;
  request.set_etag(etag);
  return UpdateInitiative(request);
}

absl::StatusOr<v1::Initiative> RegistryClient::UpdateInitiative(
    const v1::UpdateInitiativeRequest& request) {
  return call_->Unary(&Stub::UpdateInitiative, request, Retry::kNo);
}

absl::Status RegistryClient::DeleteInitiative(const std::string& name, const std::string& etag) {
  v1::DeleteInitiativeRequest request;
  request.set_name(name);
  request.set_etag(etag);
  return call_->Unary(&Stub::DeleteInitiative, request, Retry::kNo).status();
}

absl::StatusOr<v1::CaseStudy> RegistryClient::GetCaseStudy(const std::string& name) {
  v1::GetCaseStudyRequest request;
  request.set_name(name);
  return call_->Unary(&Stub::GetCaseStudy, request, Retry::kYes);
}

absl::StatusOr<v1::ListCaseStudiesResponse> RegistryClient::ListCaseStudies(
    const v1::ListCaseStudiesRequest& request) {
  return call_->Unary(&Stub::ListCaseStudies, request, Retry::kYes);
}

absl::StatusOr<std::vector<v1::CaseStudy>> RegistryClient::ListAllCaseStudies(
    const std::string& filter, const std::string& order_by) {
  v1::ListCaseStudiesRequest request;
  request.set_filter(filter);
  request.set_order_by(order_by);
  return ListAll<v1::CaseStudy>(
      *call_, &Stub::ListCaseStudies, std::move(request),
      [](v1::ListCaseStudiesResponse& page) { return page.mutable_case_studies(); });
}

absl::StatusOr<v1::CaseStudy> RegistryClient::CreateCaseStudy(const v1::CaseStudy& case_study,
                                                              const CreateOptions& options) {
  v1::CreateCaseStudyRequest request;
  *request.mutable_case_study() = case_study;
  request.set_case_study_id(options.id);
  request.set_request_id(options.request_id);
  return call_->Unary(&Stub::CreateCaseStudy, request,
                      options.request_id.empty() ? Retry::kNo : Retry::kYes);
}

absl::StatusOr<v1::CaseStudy> RegistryClient::UpdateCaseStudy(
    const v1::CaseStudy& case_study, const google::protobuf::FieldMask& update_mask,
    const std::string& etag) {
  v1::UpdateCaseStudyRequest request;
  *request.mutable_case_study() = case_study;
  *request.mutable_update_mask() = update_mask;
  request.set_etag(etag);
  return call_->Unary(&Stub::UpdateCaseStudy, request, Retry::kNo);
}

absl::Status RegistryClient::DeleteCaseStudy(const std::string& name, const std::string& etag) {
  v1::DeleteCaseStudyRequest request;
  request.set_name(name);
  request.set_etag(etag);
  return call_->Unary(&Stub::DeleteCaseStudy, request, Retry::kNo).status();
}

absl::StatusOr<v1::Expert> RegistryClient::GetExpert(const std::string& name) {
  v1::GetExpertRequest request;
  request.set_name(name);
  return call_->Unary(&Stub::GetExpert, request, Retry::kYes);
}

absl::StatusOr<v1::ListExpertsResponse> RegistryClient::ListExperts(
    const v1::ListExpertsRequest& request) {
  return call_->Unary(&Stub::ListExperts, request, Retry::kYes);
}

absl::StatusOr<std::vector<v1::Expert>> RegistryClient::ListAllExperts(
    const std::string& filter, const std::string& order_by) {
  v1::ListExpertsRequest request;
  request.set_filter(filter);
  request.set_order_by(order_by);
  return ListAll<v1::Expert>(*call_, &Stub::ListExperts, std::move(request),
                             [](v1::ListExpertsResponse& page) { return page.mutable_experts(); });
}

absl::StatusOr<v1::Expert> RegistryClient::CreateExpert(const v1::Expert& expert,
                                                        const CreateOptions& options) {
  v1::CreateExpertRequest request;
  *request.mutable_expert() = expert;
  request.set_expert_id(options.id);
  request.set_request_id(options.request_id);
  return call_->Unary(&Stub::CreateExpert, request,
                      options.request_id.empty() ? Retry::kNo : Retry::kYes);
}

absl::StatusOr<v1::Expert> RegistryClient::UpdateExpert(
    const v1::Expert& expert, const google::protobuf::FieldMask& update_mask,
    const std::string& etag) {
  v1::UpdateExpertRequest request;
  *request.mutable_expert() = expert;
  *request.mutable_update_mask() = update_mask;
  request.set_etag(etag);
  return call_->Unary(&Stub::UpdateExpert, request, Retry::kNo);
}

absl::Status RegistryClient::DeleteExpert(const std::string& name, const std::string& etag) {
  v1::DeleteExpertRequest request;
  request.set_name(name);
  request.set_etag(etag);
  return call_->Unary(&Stub::DeleteExpert, request, Retry::kNo).status();
}

absl::StatusOr<v1::Resource> RegistryClient::GetResource(const std::string& name) {
  v1::GetResourceRequest request;
  request.set_name(name);
  return call_->Unary(&Stub::GetResource, request, Retry::kYes);
}

absl::StatusOr<v1::ListResourcesResponse> RegistryClient::ListResources(
    const v1::ListResourcesRequest& request) {
  return call_->Unary(&Stub::ListResources, request, Retry::kYes);
}

absl::StatusOr<std::vector<v1::Resource>> RegistryClient::ListAllResources(
    const std::string& filter, const std::string& order_by) {
  v1::ListResourcesRequest request;
  request.set_filter(filter);
  request.set_order_by(order_by);
  return ListAll<v1::Resource>(
      *call_, &Stub::ListResources, std::move(request),
      [](v1::ListResourcesResponse& page) { return page.mutable_resources(); });
}

absl::StatusOr<v1::Resource> RegistryClient::CreateResource(const v1::Resource& resource,
                                                            const CreateOptions& options) {
  v1::CreateResourceRequest request;
  *request.mutable_resource() = resource;
  request.set_resource_id(options.id);
  request.set_request_id(options.request_id);
  return call_->Unary(&Stub::CreateResource, request,
                      options.request_id.empty() ? Retry::kNo : Retry::kYes);
}

absl::StatusOr<v1::Resource> RegistryClient::UpdateResource(
    const v1::Resource& resource, const google::protobuf::FieldMask& update_mask,
    const std::string& etag) {
  v1::UpdateResourceRequest request;
  *request.mutable_resource() = resource;
  *request.mutable_update_mask() = update_mask;
  request.set_etag(etag);
  return call_->Unary(&Stub::UpdateResource, request, Retry::kNo);
}

absl::Status RegistryClient::DeleteResource(const std::string& name, const std::string& etag) {
  v1::DeleteResourceRequest request;
  request.set_name(name);
  request.set_etag(etag);
  return call_->Unary(&Stub::DeleteResource, request, Retry::kNo).status();
}

}  // namespace psc::client
