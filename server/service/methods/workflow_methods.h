#pragma once
// gRPC handlers for the collaboration workflows and the network report (workflow.proto).

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "psc/registry/v1/registry_service.pb.h"
#include "server/common/worker_pool.h"
#include "server/registry/report/report_follower.h"
#include "server/registry/workflows/workflows.h"
#include "server/service/calls/call_gate.h"

namespace psc::service {

namespace v1 = registry::v1;

class WorkflowMethods {
 public:
  // All must outlive the methods. GetNetworkReport reads `reports`' totals on `pool`.
  WorkflowMethods(registry::Workflows* workflows, const registry::ReportFollower* reports,
                  const CallGate* gate, WorkerPool* pool)
      : workflows_(workflows), reports_(reports), gate_(gate), pool_(pool) {}

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* CreateJoinRequest(Context* c, const v1::CreateJoinRequestRequest& request,
                             v1::JoinRequest* response);
  Reactor* DecideJoinRequest(Context* c, registry::JoinDecision decision,
                             const v1::DecideRequest& request, v1::JoinRequest* response);
  Reactor* ListJoinRequests(Context* c, const v1::ListJoinRequestsRequest& request,
                            v1::ListJoinRequestsResponse* response);
  Reactor* LeaveInitiative(Context* c, const v1::LeaveInitiativeRequest& request,
                           v1::Initiative* response);
  Reactor* ReviewInitiative(Context* c, const v1::ReviewInitiativeRequest& request,
                            v1::Initiative* response);
  Reactor* CreateSharingRequest(Context* c, const v1::CreateSharingRequestRequest& request,
                                v1::SharingRequest* response);
  Reactor* DecideSharingRequest(Context* c, registry::SharingDecision decision,
                                const v1::DecideRequest& request, v1::SharingRequest* response);
  Reactor* CompleteSharingRequest(Context* c, const v1::CompleteSharingRequestRequest& request,
                                  v1::SharingRequest* response);
  Reactor* ListSharingRequests(Context* c, const v1::ListSharingRequestsRequest& request,
                               v1::ListSharingRequestsResponse* response);
  Reactor* GetNetworkReport(Context* c, const v1::GetNetworkReportRequest& request,
                            v1::NetworkReport* response);

 private:
  registry::Workflows* workflows_;
  const registry::ReportFollower* reports_;
  const CallGate* gate_;
  WorkerPool* pool_;
};

}  // namespace psc::service
