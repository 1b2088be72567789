#pragma once
// gRPC handlers for discovery (search.proto), and the similar-initiative hint that Create and
// Update of an initiative return.

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "psc/registry/v1/search.pb.h"
#include "server/common/worker_pool.h"
#include "server/discovery/discovery.h"
#include "server/service/calls/call_gate.h"
#include "server/service/methods/standard_methods.h"

namespace psc::service {

// A hint costs one similarity query (about a millisecond at 100,000 records). Beyond this many
// waiting, writes are answered without one rather than wait behind them.
inline constexpr size_t kMaxQueuedHints = 4;

class DiscoveryMethods {
 public:
  // All must outlive the methods.
  DiscoveryMethods(const registry::Discovery* discovery, const CallGate* gate, WorkerPool* pool)
      : discovery_(discovery), gate_(gate), pool_(pool) {}

  // These run on `pool` (unary_call.h's FinishOnPool), never on a gRPC thread: one with a
  // min_sequence the index has not reached waits there, never past its deadline or 10 s.
  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* context,
                                   const registry::v1::SearchRequest& request,
                                   registry::v1::SearchResponse* response);
  grpc::ServerUnaryReactor* FindExperts(grpc::CallbackServerContext* context,
                                        const registry::v1::FindExpertsRequest& request,
                                        registry::v1::FindExpertsResponse* response);
  grpc::ServerUnaryReactor* FindSimilar(grpc::CallbackServerContext* context,
                                        const registry::v1::FindSimilarInitiativesRequest& request,
                                        registry::v1::FindSimilarInitiativesResponse* response);

  // Fills an initiative response's similar_initiatives, off the store's committer thread; under
  // a burst of writes (hints queued up) the response goes without, rather than wait.
  WriteHook InitiativeHint();

 private:
  const registry::Discovery* discovery_;
  const CallGate* gate_;
  WorkerPool* pool_;
  // One thread, off the committer's; when it is this far behind, writes go without a hint.
  WorkerPool hints_{1, kMaxQueuedHints};
};

}  // namespace psc::service
