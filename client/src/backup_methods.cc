// Online backups (backup.proto). Reads are retried on transient errors; creating and deleting
// are not (a retried create would take a second backup).

#include "client/src/call.h"
#include "psc/client/registry_client.h"

namespace psc::client {

using Stub = v1::Registry::Stub;

absl::StatusOr<v1::Backup> RegistryClient::CreateBackup() {
  return call_->Unary(&Stub::CreateBackup, v1::CreateBackupRequest(), Retry::kNo);
}

absl::StatusOr<v1::ListBackupsResponse> RegistryClient::ListBackups() {
  return call_->Unary(&Stub::ListBackups, v1::ListBackupsRequest(), Retry::kYes);
}

absl::StatusOr<v1::Backup> RegistryClient::VerifyBackup(const std::string& name) {
  v1::VerifyBackupRequest request;
  request.set_name(name);
  return call_->Unary(&Stub::VerifyBackup, request, Retry::kYes);
}

absl::Status RegistryClient::DeleteBackup(const std::string& name) {
  v1::DeleteBackupRequest request;
  request.set_name(name);
  return call_->Unary(&Stub::DeleteBackup, request, Retry::kNo).status();
}

}  // namespace psc::client
