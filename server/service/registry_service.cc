#include "server/service/registry_service.h"

#include "absl/strings/str_cat.h"
#include "psc/registry/v1/display_name.h"
#include "server/common/errors.h"
#include "server/common/tsan.h"
#include "server/registry/records/list_query.h"
#include "server/service/calls/unary_call.h"

namespace psc::service {

namespace v1 = registry::v1;

grpc::ServerUnaryReactor* RegistryService::GetCaller(grpc::CallbackServerContext* context,
                                                     const v1::GetCallerRequest* request,
                                                     v1::Principal* response) {
  PSC_ADMIT_OR_FINISH(gate_, Cost::kRead, caller);
  response->set_identity(caller.identity);
  response->set_role(caller.role);
  response->set_collaborative(caller.collaborative);
  return FinishUnary(absl::OkStatus());
}

grpc::ServerUnaryReactor* RegistryService::GetServerStatus(
    grpc::CallbackServerContext* context, const v1::GetServerStatusRequest* request,
    v1::ServerStatus* response) {
  PSC_ADMIT_OR_FINISH(gate_, Cost::kRead, caller);
  if (caller.role != v1::ADMIN) {
    return FinishUnary(Error(absl::StatusCode::kPermissionDenied, "ROLE_NOT_ALLOWED",
                             absl::StrCat("only admins read the server's status; the caller is ",
                                          v1::DisplayName(caller.role))));
  }
  *response = status_();
  return FinishUnary(absl::OkStatus());
}

grpc::ServerUnaryReactor* RegistryService::ListChanges(grpc::CallbackServerContext* context,
                                                       const v1::ListChangesRequest* request,
                                                       v1::ListChangesResponse* response) {
  PSC_ADMIT_OR_FINISH(gate_, Cost::kExpensive, caller);
  auto page_size = registry::EffectivePageSize(request->page_size());
  if (!page_size.ok()) return FinishUnary(page_size.status());
  std::vector<std::string> kinds(request->kinds().begin(), request->kinds().end());
  auto page = feed_->Read(caller, request->after_sequence(), kinds, *page_size);
  if (page.ok()) {
    for (auto& event : page->events) *response->add_changes() = std::move(event);
    response->set_next_after_sequence(page->scanned_to);
    response->set_current_sequence(page->current);
  }
  return FinishUnary(page.status());
}

grpc::ServerWriteReactor<v1::WatchChangesResponse>* RegistryService::WatchChanges(
    grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) {
  auto caller = gate_.Authenticate(*context);
  if (!caller.ok()) {
    // A reactor that only reports the error.
    class Refusal : public grpc::ServerWriteReactor<v1::WatchChangesResponse> {
     public:
      explicit Refusal(const grpc::Status& status) {
        TsanRelease(this);
        Finish(status);
      }
      void OnDone() override {
        TsanAcquire(this);
        delete this;
      }
    };
    return new Refusal(ToGrpcStatus(caller.status()));
  }
  return hub_->Open(context, *caller, *request);
}

}  // namespace psc::service
