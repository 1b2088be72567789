#pragma once

#include "psc/registry/v1/registry_service.grpc.pb.h"
#include "server/registry/change_feed.h"
#include "server/service/standard_methods.h"
#include "server/service/watch_hub.h"

namespace psc::service {

// The psc.registry.v1.Registry gRPC service (callback API). Every handler returns without
// waiting on storage: writes finish their reactor from the store's committer thread.
class RegistryService final : public registry::v1::Registry::CallbackService {
 public:
  RegistryService(registry::Registry* registry, const auth::Authenticator* authenticator,
                  const registry::ChangeFeed* feed, WatchHub* hub)
      : methods_(registry, authenticator), authenticator_(authenticator), feed_(feed), hub_(hub) {}

  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* context,
                                        const registry::v1::ListChangesRequest* request,
                                        registry::v1::ListChangesResponse* response) override;
  grpc::ServerWriteReactor<registry::v1::WatchChangesResponse>* WatchChanges(
      grpc::CallbackServerContext* context,
      const registry::v1::WatchChangesRequest* request) override;

  grpc::ServerUnaryReactor* ListResourceHistory(
      grpc::CallbackServerContext* c, const registry::v1::ListResourceHistoryRequest* request,
      registry::v1::ListResourceHistoryResponse* response) override {
    return methods_.History(c, *request, response);
  }

// The five standard methods of one kind, each forwarding to the generic handler.
#define PSC_STANDARD_METHODS(Type, Plural, KindFn)                                           \
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
    return methods_.Create(c, registry::KindFn(), *request, response);                       \
  }                                                                                          \
  grpc::ServerUnaryReactor* Update##Type(grpc::CallbackServerContext* c,                     \
                                         const registry::v1::Update##Type##Request* request, \
                                         registry::v1::Type* response) override {            \
    return methods_.Update(c, registry::KindFn(), *request, response);                       \
  }                                                                                          \
  grpc::ServerUnaryReactor* Delete##Type(grpc::CallbackServerContext* c,                     \
                                         const registry::v1::Delete##Type##Request* request, \
                                         google::protobuf::Empty* response) override {       \
    return methods_.Delete(c, registry::KindFn(), *request, response);                       \
  }

  PSC_STANDARD_METHODS(Collaborative, Collaboratives, CollaborativeKind)
  PSC_STANDARD_METHODS(Initiative, Initiatives, InitiativeKind)
  PSC_STANDARD_METHODS(CaseStudy, CaseStudies, CaseStudyKind)
  PSC_STANDARD_METHODS(Expert, Experts, ExpertKind)
  PSC_STANDARD_METHODS(Resource, Resources, SharedResourceKind)
#undef PSC_STANDARD_METHODS

 private:
  StandardMethods methods_;
  const auth::Authenticator* authenticator_;
  const registry::ChangeFeed* feed_;
  WatchHub* hub_;
};

}  // namespace psc::service
