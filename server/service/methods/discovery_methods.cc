#include "server/service/methods/discovery_methods.h"

#include "absl/time/clock.h"
#include "server/service/calls/unary_call.h"

namespace psc::service {
namespace {

constexpr int kHintCount = 5;

absl::Time DeadlineOf(const grpc::CallbackServerContext& context) {
  return absl::FromChrono(context.deadline());
}

// Admits the caller, then runs `call` on the pool (a search may wait for the index) and
// finishes with its result.
template <typename Response, typename Call>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                const google::protobuf::Message& request, const CallGate& gate,
                                WorkerPool* pool, Response* response, Call call) {
  PSC_ADMIT_OR_FINISH(gate, Cost::kExpensive, caller);
  return ServeOnPool(pool, response, caller_admitted->slot,
                     [caller, call] { return call(caller); });
}

}  // namespace

grpc::ServerUnaryReactor* DiscoveryMethods::Search(grpc::CallbackServerContext* context,
                                                   const registry::v1::SearchRequest& request,
                                                   registry::v1::SearchResponse* response) {
  return Serve(context, request, *gate_, pool_, response,
               [this, &request, context](const Caller& caller) {
                 return discovery_->Search(caller, request, DeadlineOf(*context));
               });
}

grpc::ServerUnaryReactor* DiscoveryMethods::FindExperts(
    grpc::CallbackServerContext* context, const registry::v1::FindExpertsRequest& request,
    registry::v1::FindExpertsResponse* response) {
  return Serve(context, request, *gate_, pool_, response,
               [this, &request, context](const Caller& caller) {
                 return discovery_->FindExperts(caller, request, DeadlineOf(*context));
               });
}

grpc::ServerUnaryReactor* DiscoveryMethods::FindSimilar(
    grpc::CallbackServerContext* context,
    const registry::v1::FindSimilarInitiativesRequest& request,
    registry::v1::FindSimilarInitiativesResponse* response) {
  return Serve(context, request, *gate_, pool_, response,
               [this, &request, context](const Caller& caller) {
                 return discovery_->FindSimilarInitiatives(caller, request, DeadlineOf(*context));
               });
}

WriteHook DiscoveryMethods::InitiativeHint() {
  return [this](google::protobuf::Message* response, UnaryReactor* reactor) {
    const bool queued = hints_.TrySubmit([this, response, reactor] {
      auto* initiative = static_cast<registry::v1::Initiative*>(response);
      for (auto& s : discovery_->SimilarTo(*initiative, kHintCount)) {
        *initiative->add_similar_initiatives() = std::move(s);
      }
      reactor->Finish(grpc::Status::OK);
    });
    if (!queued) reactor->Finish(grpc::Status::OK);  // busy: the write goes without a hint
  };
}

}  // namespace psc::service
