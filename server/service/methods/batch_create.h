#pragma once
// BatchCreateRecords: many Creates in one call, for bulk loads. Each record goes through the
// registry's own Create, so validation, references and the change log are exactly a Create's;
// the records are queued to the committer in order and complete independently.

#include "grpcpp/support/server_callback.h"
#include "psc/registry/v1/registry_service.pb.h"
#include "server/registry/records/registry.h"
#include "server/service/calls/call_gate.h"

namespace psc::service {

// The most records one BatchCreateRecords takes.
inline constexpr int kMaxBatchCreateRecords = 500;

// Admins only. Takes one write token a record (CallLimits), and finishes once every record's
// Create has.
grpc::ServerUnaryReactor* BatchCreateRecords(registry::Registry* registry, const CallGate& gate,
                                             grpc::CallbackServerContext* context,
                                             const registry::v1::BatchCreateRecordsRequest& request,
                                             registry::v1::BatchCreateRecordsResponse* response);

}  // namespace psc::service
