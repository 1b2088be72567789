#pragma once

#include <functional>

#include "psc/registry/v1/registry_service.grpc.pb.h"
#include "server/registry/feed/change_feed.h"
#include "server/service/methods/backup_methods.h"
#include "server/service/methods/batch_create.h"
#include "server/service/methods/discovery_methods.h"
#include "server/service/methods/measure_methods.h"
#include "server/service/methods/standard_methods.h"
#include "server/service/methods/workflow_methods.h"
#include "server/service/watch/watch_hub.h"

namespace psc::service {

// Threads for calls whose work may block or scan (searches, the expert finder, reports), and how
// many such calls may wait for one before more are refused (SERVER_BUSY).
inline constexpr int kSlowCallThreads = 4;
inline constexpr size_t kMaxQueuedSlowCalls = 256;

// The psc.registry.v1.Registry gRPC service (callback API). Every handler returns without
// waiting on storage: writes finish their reactor from the store's committer thread, and
// work that may block or scan runs on a pool of its own, never on a gRPC callback thread.
class RegistryService final : public registry::v1::Registry::CallbackService {
 public:
  // GetServerStatus's answer, read when an admin asks; thread-safe and cheap.
  using StatusSource = std::function<registry::v1::ServerStatus()>;

  RegistryService(registry::Registry* registry, const auth::Authenticator* authenticator,
                  LimitOptions limits, const registry::ChangeFeed* feed, WatchHub* hub,
                  const registry::Discovery* discovery, registry::Workflows* workflows,
                  const registry::ReportFollower* reports, registry::Measurements* measurements,
                  registry::Backups* backups, StatusSource status)
      : registry_(registry),
        limits_(limits),
        gate_(authenticator, &limits_),
        slow_calls_(kSlowCallThreads, kMaxQueuedSlowCalls),
        methods_(registry, &gate_),
        discovery_(discovery, &gate_, &slow_calls_),
        workflows_(workflows, reports, &gate_, &slow_calls_),
        measures_(measurements, reports, &gate_, &slow_calls_),
        backups_(backups, &gate_, &slow_calls_),
        feed_(feed),
        hub_(hub),
        status_(std::move(status)) {}

  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* context,
                                        const registry::v1::ListChangesRequest* request,
                                        registry::v1::ListChangesResponse* response) override;
  grpc::ServerWriteReactor<registry::v1::WatchChangesResponse>* WatchChanges(
      grpc::CallbackServerContext* context,
      const registry::v1::WatchChangesRequest* request) override;

  grpc::ServerUnaryReactor* GetCaller(grpc::CallbackServerContext* context,
                                      const registry::v1::GetCallerRequest* request,
                                      registry::v1::Principal* response) override;

  grpc::ServerUnaryReactor* BatchCreateRecords(
      grpc::CallbackServerContext* c, const registry::v1::BatchCreateRecordsRequest* request,
      registry::v1::BatchCreateRecordsResponse* response) override {
    return service::BatchCreateRecords(registry_, gate_, c, *request, response);
  }

  grpc::ServerUnaryReactor* ListResourceHistory(
      grpc::CallbackServerContext* c, const registry::v1::ListResourceHistoryRequest* request,
      registry::v1::ListResourceHistoryResponse* response) override {
    return methods_.History(c, *request, response);
  }

  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* c,
                                   const registry::v1::SearchRequest* request,
                                   registry::v1::SearchResponse* response) override {
    return discovery_.Search(c, *request, response);
  }
  grpc::ServerUnaryReactor* FindExperts(grpc::CallbackServerContext* c,
                                        const registry::v1::FindExpertsRequest* request,
                                        registry::v1::FindExpertsResponse* response) override {
    return discovery_.FindExperts(c, *request, response);
  }
  grpc::ServerUnaryReactor* FindSimilarInitiatives(
      grpc::CallbackServerContext* c, const registry::v1::FindSimilarInitiativesRequest* request,
      registry::v1::FindSimilarInitiativesResponse* response) override {
    return discovery_.FindSimilar(c, *request, response);
  }

  // ---- Workflows: each forwards to WorkflowMethods ----
#define PSC_FORWARD(Method, Request, Response, ...)                             \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* c,              \
                                   const registry::v1::Request* request,        \
                                   registry::v1::Response* response) override { \
    return workflows_.__VA_ARGS__;                                              \
  }
  PSC_FORWARD(CreateJoinRequest, CreateJoinRequestRequest, JoinRequest,
              CreateJoinRequest(c, *request, response))
  PSC_FORWARD(ListJoinRequests, ListJoinRequestsRequest, ListJoinRequestsResponse,
              ListJoinRequests(c, *request, response))
  PSC_FORWARD(ApproveJoinRequest, DecideRequest, JoinRequest,
              DecideJoinRequest(c, registry::JoinDecision::kApprove, *request, response))
  PSC_FORWARD(DeclineJoinRequest, DecideRequest, JoinRequest,
              DecideJoinRequest(c, registry::JoinDecision::kDecline, *request, response))
  PSC_FORWARD(WithdrawJoinRequest, DecideRequest, JoinRequest,
              DecideJoinRequest(c, registry::JoinDecision::kWithdraw, *request, response))
  PSC_FORWARD(LeaveInitiative, LeaveInitiativeRequest, Initiative,
              LeaveInitiative(c, *request, response))
  PSC_FORWARD(ReviewInitiative, ReviewInitiativeRequest, Initiative,
              ReviewInitiative(c, *request, response))
  PSC_FORWARD(CreateSharingRequest, CreateSharingRequestRequest, SharingRequest,
              CreateSharingRequest(c, *request, response))
  PSC_FORWARD(ListSharingRequests, ListSharingRequestsRequest, ListSharingRequestsResponse,
              ListSharingRequests(c, *request, response))
  PSC_FORWARD(AcceptSharingRequest, DecideRequest, SharingRequest,
              DecideSharingRequest(c, registry::SharingDecision::kAccept, *request, response))
  PSC_FORWARD(DeclineSharingRequest, DecideRequest, SharingRequest,
              DecideSharingRequest(c, registry::SharingDecision::kDecline, *request, response))
  PSC_FORWARD(CancelSharingRequest, DecideRequest, SharingRequest,
              DecideSharingRequest(c, registry::SharingDecision::kCancel, *request, response))
  PSC_FORWARD(CompleteSharingRequest, CompleteSharingRequestRequest, SharingRequest,
              CompleteSharingRequest(c, *request, response))
  PSC_FORWARD(GetNetworkReport, GetNetworkReportRequest, NetworkReport,
              GetNetworkReport(c, *request, response))
#undef PSC_FORWARD

  grpc::ServerUnaryReactor* BatchUpsertMeasurements(
      grpc::CallbackServerContext* c, const registry::v1::BatchUpsertMeasurementsRequest* request,
      registry::v1::BatchUpsertMeasurementsResponse* response) override {
    return measures_.BatchUpsert(c, *request, response);
  }
  grpc::ServerUnaryReactor* ListMeasurements(
      grpc::CallbackServerContext* c, const registry::v1::ListMeasurementsRequest* request,
      registry::v1::ListMeasurementsResponse* response) override {
    return measures_.List(c, *request, response);
  }
  grpc::ServerUnaryReactor* GetMeasureChart(grpc::CallbackServerContext* c,
                                            const registry::v1::GetMeasureChartRequest* request,
                                            registry::v1::MeasureChart* response) override {
    return measures_.Chart(c, *request, response);
  }
  grpc::ServerUnaryReactor* GetSpreadReport(grpc::CallbackServerContext* c,
                                            const registry::v1::GetSpreadReportRequest* request,
                                            registry::v1::SpreadReport* response) override {
    return measures_.Spread(c, *request, response);
  }

  grpc::ServerUnaryReactor* CreateBackup(grpc::CallbackServerContext* c,
                                         const registry::v1::CreateBackupRequest* request,
                                         registry::v1::Backup* response) override {
    return backups_.Create(c, *request, response);
  }
  grpc::ServerUnaryReactor* ListBackups(grpc::CallbackServerContext* c,
                                        const registry::v1::ListBackupsRequest* request,
                                        registry::v1::ListBackupsResponse* response) override {
    return backups_.List(c, *request, response);
  }
  grpc::ServerUnaryReactor* VerifyBackup(grpc::CallbackServerContext* c,
                                         const registry::v1::VerifyBackupRequest* request,
                                         registry::v1::Backup* response) override {
    return backups_.Verify(c, *request, response);
  }
  grpc::ServerUnaryReactor* DeleteBackup(grpc::CallbackServerContext* c,
                                         const registry::v1::DeleteBackupRequest* request,
                                         google::protobuf::Empty* response) override {
    return backups_.Delete(c, *request, response);
  }

  // Admins only: PERMISSION_DENIED (ROLE_NOT_ALLOWED) for every other role.
  grpc::ServerUnaryReactor* GetServerStatus(grpc::CallbackServerContext* context,
                                            const registry::v1::GetServerStatusRequest* request,
                                            registry::v1::ServerStatus* response) override;

// The five standard methods of one kind, each forwarding to the generic handler; `hook` (an
// expression that may read the Create or Update `request`) runs after a successful write.
#define PSC_STANDARD_METHODS(Type, Plural, KindFn, hook)                                     \
  grpc::ServerUnaryReactor* Get##Type(grpc::CallbackServerContext* c,                        \
                                      const registry::v1::Get##Type##Request* request,       \
                                      registry::v1::Type* response) override {               \
    return methods_.Get(c, registry::KindFn(), *request, response);                          \
  }                                                                                          \
  grpc::ServerUnaryReactor* List##Plural(                                                    \
      grpc::CallbackServerContext* c, const registry::v1::List##Plural##Request* request,    \
      registry::v1::List##Plural##Response* response) override {                             \
    return methods_.List(c, registry::KindFn(), *request, response);                         \
  }                                                                                          \
  grpc::ServerUnaryReactor* Create##Type(grpc::CallbackServerContext* c,                     \
                                         const registry::v1::Create##Type##Request* request, \
                                         registry::v1::Type* response) override {            \
    return methods_.Create(c, registry::KindFn(), *request, response, hook);                 \
  }                                                                                          \
  grpc::ServerUnaryReactor* Update##Type(grpc::CallbackServerContext* c,                     \
                                         const registry::v1::Update##Type##Request* request, \
                                         registry::v1::Type* response) override {            \
    return methods_.Update(c, registry::KindFn(), *request, response, hook);                 \
  }                                                                                          \
  grpc::ServerUnaryReactor* Delete##Type(grpc::CallbackServerContext* c,                     \
                                         const registry::v1::Delete##Type##Request* request, \
                                         google::protobuf::Empty* response) override {       \
    return methods_.Delete(c, registry::KindFn(), *request, response);                       \
  }

  PSC_STANDARD_METHODS(Collaborative, Collaboratives, CollaborativeKind, nullptr)
  PSC_STANDARD_METHODS(Initiative, Initiatives, InitiativeKind,
                       request->skip_similar_initiatives() ? nullptr : discovery_.InitiativeHint())
  PSC_STANDARD_METHODS(CaseStudy, CaseStudies, CaseStudyKind, nullptr)
  PSC_STANDARD_METHODS(Expert, Experts, ExpertKind, nullptr)
  PSC_STANDARD_METHODS(Resource, Resources, SharedResourceKind, nullptr)
#undef PSC_STANDARD_METHODS

 private:
  registry::Registry* registry_;
  CallLimits limits_;
  CallGate gate_;
  WorkerPool slow_calls_;  // before the methods: they use it, and it outlives them
  StandardMethods methods_;
  DiscoveryMethods discovery_;
  WorkflowMethods workflows_;
  MeasureMethods measures_;
  BackupMethods backups_;
  const registry::ChangeFeed* feed_;
  WatchHub* hub_;
  StatusSource status_;
};

}  // namespace psc::service
