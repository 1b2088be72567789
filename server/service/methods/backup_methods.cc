#include "server/service/methods/backup_methods.h"

#include "server/service/calls/unary_call.h"

namespace psc::service {

namespace v1 = registry::v1;
using Reactor = grpc::ServerUnaryReactor;

Reactor* BackupMethods::Create(Context* context, const v1::CreateBackupRequest& request,
                               v1::Backup* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return ServeOnPool(pool_, response, caller_admitted->slot,
                     [this, caller] { return backups_->Create(caller); });
}

Reactor* BackupMethods::List(Context* context, const v1::ListBackupsRequest& request,
                             v1::ListBackupsResponse* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return ServeOnPool(pool_, response, caller_admitted->slot,
                     [this, caller] { return backups_->List(caller); });
}

Reactor* BackupMethods::Verify(Context* context, const v1::VerifyBackupRequest& request,
                               v1::Backup* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return ServeOnPool(pool_, response, caller_admitted->slot,
                     [this, caller, &request] { return backups_->Verify(caller, request.name()); });
}

Reactor* BackupMethods::Delete(Context* context, const v1::DeleteBackupRequest& request,
                               google::protobuf::Empty*) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return FinishOnPool(pool_, [this, caller, &request, slot = caller_admitted->slot] {
    return backups_->Delete(caller, request.name());
  });
}

}  // namespace psc::service
