#include "server/service/methods/workflow_methods.h"

#include "server/registry/report/network_report.h"
#include "server/service/calls/unary_call.h"

namespace psc::service {
namespace {

using Reactor = grpc::ServerUnaryReactor;

Reactor* Finish(UnaryReactor* reactor, const absl::Status& status) {
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Copies a page of requests into a List response.
template <typename Response, typename Add>
Reactor* FinishPage(UnaryReactor* reactor, absl::StatusOr<registry::ListPage> page,
                    Response* response, Add add) {
  if (page.ok()) {
    for (const registry::RecordPtr& r : page->resources) add(*r);
    response->set_next_page_token(page->next_page_token);
  }
  return Finish(reactor, page.status());
}

}  // namespace

Reactor* WorkflowMethods::CreateJoinRequest(Context* context,
                                            const v1::CreateJoinRequestRequest& request,
                                            v1::JoinRequest* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  UnaryReactor* reactor = NewUnaryReactor();
  workflows_->CreateJoinRequest(
      caller, request.parent(), request.join_request(),
      {.id = request.join_request_id(), .as_recorded = request.as_recorded()},
      FinishWhenWritten(reactor, response));
  return reactor;
}

Reactor* WorkflowMethods::DecideJoinRequest(Context* context, registry::JoinDecision decision,
                                            const v1::DecideRequest& request,
                                            v1::JoinRequest* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  UnaryReactor* reactor = NewUnaryReactor();
  workflows_->DecideJoinRequest(caller, decision, request.name(), request.reason(), request.etag(),
                                FinishWhenWritten(reactor, response));
  return reactor;
}

Reactor* WorkflowMethods::ListJoinRequests(Context* context,
                                           const v1::ListJoinRequestsRequest& request,
                                           v1::ListJoinRequestsResponse* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return FinishPage(NewUnaryReactor(),
                    workflows_->ListJoinRequests(caller, request.parent(), request.direction(),
                                                 request.page_size(), request.page_token()),
                    response, [&](const google::protobuf::Message& m) {
                      response->add_join_requests()->CopyFrom(m);
                    });
}

Reactor* WorkflowMethods::LeaveInitiative(Context* context,
                                          const v1::LeaveInitiativeRequest& request,
                                          v1::Initiative* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  UnaryReactor* reactor = NewUnaryReactor();
  workflows_->LeaveInitiative(caller, request.name(), request.collaborative(),
                              FinishWhenWritten(reactor, response));
  return reactor;
}

Reactor* WorkflowMethods::ReviewInitiative(Context* context,
                                           const v1::ReviewInitiativeRequest& request,
                                           v1::Initiative* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  UnaryReactor* reactor = NewUnaryReactor();
  workflows_->ReviewInitiative(caller, request.name(), request.outcome(), request.rationale(),
                               FinishWhenWritten(reactor, response));
  return reactor;
}

Reactor* WorkflowMethods::CreateSharingRequest(Context* context,
                                               const v1::CreateSharingRequestRequest& request,
                                               v1::SharingRequest* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  UnaryReactor* reactor = NewUnaryReactor();
  workflows_->CreateSharingRequest(
      caller, request.parent(), request.sharing_request(),
      {.id = request.sharing_request_id(), .as_recorded = request.as_recorded()},
      FinishWhenWritten(reactor, response));
  return reactor;
}

Reactor* WorkflowMethods::DecideSharingRequest(Context* context, registry::SharingDecision decision,
                                               const v1::DecideRequest& request,
                                               v1::SharingRequest* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  UnaryReactor* reactor = NewUnaryReactor();
  workflows_->DecideSharingRequest(caller, decision, request.name(), request.reason(),
                                   request.etag(), FinishWhenWritten(reactor, response));
  return reactor;
}

Reactor* WorkflowMethods::CompleteSharingRequest(Context* context,
                                                 const v1::CompleteSharingRequestRequest& request,
                                                 v1::SharingRequest* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  UnaryReactor* reactor = NewUnaryReactor();
  workflows_->CompleteSharingRequest(caller, request.name(), request.days_delivered(),
                                     request.feedback(), request.etag(),
                                     FinishWhenWritten(reactor, response));
  return reactor;
}

Reactor* WorkflowMethods::ListSharingRequests(Context* context,
                                              const v1::ListSharingRequestsRequest& request,
                                              v1::ListSharingRequestsResponse* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return FinishPage(NewUnaryReactor(),
                    workflows_->ListSharingRequests(caller, request.parent(), request.direction(),
                                                    request.page_size(), request.page_token()),
                    response, [&](const google::protobuf::Message& m) {
                      response->add_sharing_requests()->CopyFrom(m);
                    });
}

Reactor* WorkflowMethods::GetNetworkReport(Context* context,
                                           const v1::GetNetworkReportRequest& request,
                                           v1::NetworkReport* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  // A report may wait for the totals to catch up: on the pool, not a gRPC thread.
  return ServeOnPool(pool_, response, caller_admitted->slot, [this, caller, &request] {
    return reports_->Network(caller, request.collaborative());
  });
}

}  // namespace psc::service
