#pragma once
// gRPC handlers for online backups (backup.proto). Each runs on the slow-call pool: a backup
// copies files and a verify reads every byte of one.

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "psc/registry/v1/registry_service.pb.h"
#include "server/common/worker_pool.h"
#include "server/registry/backups/backup_service.h"
#include "server/service/calls/call_gate.h"

namespace psc::service {

class BackupMethods {
 public:
  // All must outlive the methods.
  BackupMethods(registry::Backups* backups, const CallGate* gate, WorkerPool* pool)
      : backups_(backups), gate_(gate), pool_(pool) {}

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* Create(Context* c, const registry::v1::CreateBackupRequest& request,
                  registry::v1::Backup* response);
  Reactor* List(Context* c, const registry::v1::ListBackupsRequest& request,
                registry::v1::ListBackupsResponse* response);
  Reactor* Verify(Context* c, const registry::v1::VerifyBackupRequest& request,
                  registry::v1::Backup* response);
  Reactor* Delete(Context* c, const registry::v1::DeleteBackupRequest& request,
                  google::protobuf::Empty* response);

 private:
  registry::Backups* backups_;
  const CallGate* gate_;
  WorkerPool* pool_;
};

}  // namespace psc::service
