#include "server/registry/backups/backup_service.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "psc/registry/v1/display_name.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/common/utf8.h"

namespace psc::registry {
namespace {

v1::Backup ToProto(const storage::BackupInfo& info) {
  v1::Backup backup;
  backup.set_name(absl::StrCat("backups/", info.id));
  backup.set_sequence(info.sequence);
  backup.mutable_create_time()->set_seconds(absl::ToUnixSeconds(info.time));
  backup.set_size_bytes(info.size_bytes);
  backup.set_file_count(info.files);
  return backup;
}

absl::StatusOr<uint32_t> IdOf(const std::string& name) {
  uint32_t id = 0;
  if (!absl::StartsWith(name, "backups/") ||
      !absl::SimpleAtoi(absl::string_view(name).substr(8), &id) || id == 0 ||
      name != absl::StrCat("backups/", id)) {
    return ArgumentError("name", "INVALID_NAME",
                         absl::StrCat("\"", CharacterPrefix(name, 200),
                                      "\" is not backups/{id} with a positive whole number id"));
  }
  return id;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Backups>> Backups::Start(storage::Store* store,
                                                        const BackupOptions& options) {
  if (options.dir.empty() && options.interval > absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--backup-interval-hours needs --backup-dir");
  }
  std::unique_ptr<storage::BackupDir> dir;
  if (!options.dir.empty()) {
    PSC_ASSIGN_OR_RETURN(dir, storage::BackupDir::Open(options.dir, store));
  }
  return std::unique_ptr<Backups>(new Backups(store, std::move(dir), options));
}

Backups::Backups(storage::Store* store, std::unique_ptr<storage::BackupDir> dir,
                 BackupOptions options)
    : store_(store), dir_(std::move(dir)), options_(std::move(options)) {
  if (dir_ != nullptr) {
    if (auto all = dir_->List(); all.ok() && !all->empty()) latest_ = all->back().time;
    if (options_.interval > absl::ZeroDuration()) {
      schedule_ =
          std::make_unique<StoppableThread>([this](StoppableThread& self) { RunSchedule(self); });
    }
  }
}

absl::Status Backups::CheckCaller(const Caller& caller) const {
  if (caller.role != v1::ADMIN) {
    return Error(
        absl::StatusCode::kPermissionDenied, "ROLE_NOT_ALLOWED",
        absl::StrCat("only admins manage backups; the caller is ", v1::DisplayName(caller.role)));
  }
  if (dir_ == nullptr) {
    return Error(absl::StatusCode::kFailedPrecondition, "BACKUPS_NOT_CONFIGURED",
                 "this pscd has no backup dir: start it with --backup-dir");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Backup> Backups::TakeBackup() {
  PSC_ASSIGN_OR_RETURN(storage::BackupInfo info, dir_->Create(*store_));
  {
    MutexLock lock(&mu_);
    latest_ = info.time;
  }
  if (options_.keep > 0) {
    if (absl::Status kept = dir_->KeepLatest(options_.keep); !kept.ok()) {
      LogWarning(absl::StrCat("backups: deleting backups beyond the latest ", options_.keep,
                              " failed: ", kept.message()));
    }
  }
  return ToProto(info);
}

absl::StatusOr<v1::Backup> Backups::Create(const Caller& caller) {
  PSC_RETURN_IF_ERROR(CheckCaller(caller));
  return TakeBackup();
}

absl::StatusOr<v1::ListBackupsResponse> Backups::List(const Caller& caller) const {
  PSC_RETURN_IF_ERROR(CheckCaller(caller));
  PSC_ASSIGN_OR_RETURN(auto all, dir_->List());
  v1::ListBackupsResponse response;
  for (const storage::BackupInfo& info : all) *response.add_backups() = ToProto(info);
  return response;
}

absl::StatusOr<v1::Backup> Backups::Verify(const Caller& caller, const std::string& name) const {
  PSC_RETURN_IF_ERROR(CheckCaller(caller));
  PSC_ASSIGN_OR_RETURN(uint32_t id, IdOf(name));
  PSC_RETURN_IF_ERROR(dir_->Verify(id));
  PSC_ASSIGN_OR_RETURN(storage::BackupInfo info, dir_->Get(id));
  return ToProto(info);
}

absl::Status Backups::Delete(const Caller& caller, const std::string& name) {
  PSC_RETURN_IF_ERROR(CheckCaller(caller));
  PSC_ASSIGN_OR_RETURN(uint32_t id, IdOf(name));
  PSC_RETURN_IF_ERROR(dir_->Delete(id));
  auto all = dir_->List();
  MutexLock lock(&mu_);
  latest_.reset();
  if (all.ok() && !all->empty()) latest_ = all->back().time;
  return absl::OkStatus();
}

std::optional<absl::Time> Backups::latest_backup_time() const {
  MutexLock lock(&mu_);
  return latest_;
}

void Backups::RunSchedule(StoppableThread& self) {
  while (true) {
    absl::Time due;
    {
      MutexLock lock(&mu_);
      due = latest_.value_or(absl::InfinitePast()) + options_.interval;
    }
    if (absl::Now() < due) {
      if (!self.WaitUntil(due)) return;
      continue;  // a backup taken meanwhile moves the next one
    }
    // A backup takes a while: Create, List and the metric go on meanwhile.
    const absl::Time started = absl::Now();
    auto taken = TakeBackup();
    if (taken.ok()) {
      LogInfo(absl::StrCat("backups: took ", taken->name(), " at sequence ", taken->sequence(),
                           " in ", absl::FormatDuration(absl::Now() - started)));
    } else {
      LogError(absl::StrCat("backups: a scheduled backup failed: ", taken.status().message(),
                            "; retrying in a minute"));
      if (!self.WaitFor(absl::Minutes(1))) return;
    }
  }
}

}  // namespace psc::registry
