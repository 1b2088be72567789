#pragma once

// Generic gRPC handlers for the standard methods of any resource kind. The request messages
// of registry_service.proto share one layout per method, which these read by reflection:
//   Get:    name = 1
//   List:   page_size = 1, page_token = 2, filter = 3, order_by = 4
//           (response: resources = 1, next_page_token = 2, sequence = 3)
//   Create: resource = 1, resource_id = 2, request_id = 3
//   Update: resource = 1, update_mask = 2, etag = 3
//   Delete: name = 1, etag = 2
// Every handler first admits the call (CallGate): authentication, then per-identity limits.

#include <functional>

#include "google/protobuf/empty.pb.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "psc/registry/v1/registry_service.pb.h"
#include "server/registry/records/registry.h"
#include "server/service/calls/call_gate.h"
#include "server/service/calls/unary_call.h"

namespace psc::service {

class StandardMethods {
 public:
  StandardMethods(registry::Registry* registry, const CallGate* gate)
      : registry_(registry), gate_(gate) {}

  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* context,
                                const registry::RecordKind& kind,
                                const google::protobuf::Message& request,
                                google::protobuf::Message* response);
  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* context,
                                 const registry::RecordKind& kind,
                                 const google::protobuf::Message& request,
                                 google::protobuf::Message* response);
  grpc::ServerUnaryReactor* Create(grpc::CallbackServerContext* context,
                                   const registry::RecordKind& kind,
                                   const google::protobuf::Message& request,
                                   google::protobuf::Message* response, WriteHook hook = nullptr);
  grpc::ServerUnaryReactor* Update(grpc::CallbackServerContext* context,
                                   const registry::RecordKind& kind,
                                   const google::protobuf::Message& request,
                                   google::protobuf::Message* response, WriteHook hook = nullptr);
  grpc::ServerUnaryReactor* Delete(grpc::CallbackServerContext* context,
                                   const registry::RecordKind& kind,
                                   const google::protobuf::Message& request,
                                   google::protobuf::Empty* response);
  grpc::ServerUnaryReactor* History(grpc::CallbackServerContext* context,
                                    const registry::v1::ListResourceHistoryRequest& request,
                                    registry::v1::ListResourceHistoryResponse* response);

 private:
  registry::Registry* registry_;
  const CallGate* gate_;
};

}  // namespace psc::service
