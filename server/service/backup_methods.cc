#include "server/service/backup_methods.h"

#include "server/service/unary_call.h"

namespace psc::service {

namespace v1 = registry::v1;
using Reactor = grpc::ServerUnaryReactor;

Reactor* BackupMethods::Create(Context* context, const v1::CreateBackupRequest& request,
                               v1::Backup* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return FinishOnPool(pool_, [this, caller, response, slot = caller_admitted->slot] {
    auto backup = backups_->Create(caller);
    if (backup.ok()) *response = *std::move(backup);
    return backup.status();
  });
}

Reactor* BackupMethods::List(Context* context, const v1::ListBackupsRequest& request,
                             v1::ListBackupsResponse* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return FinishOnPool(pool_, [this, caller, response, slot = caller_admitted->slot] {
    auto list = backups_->List(caller);
    if (list.ok()) *response = *std::move(list);
    return list.status();
  });
}

Reactor* BackupMethods::Verify(Context* context, const v1::VerifyBackupRequest& request,
                               v1::Backup* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return FinishOnPool(pool_, [this, caller, &request, response, slot = caller_admitted->slot] {
    auto backup = backups_->Verify(caller, request.name());
    if (backup.ok()) *response = *std::move(backup);
    return backup.status();
  });
}

Reactor* BackupMethods::Delete(Context* context, const v1::DeleteBackupRequest& request,
                               google::protobuf::Empty*) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  return FinishOnPool(pool_, [this, caller, &request, slot = caller_admitted->slot] {
    return backups_->Delete(caller, request.name());
  });
}

}  // namespace psc::service
