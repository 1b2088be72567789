#pragma once
// Online backups (backup.proto): admins take, list, verify and delete them, and a schedule
// takes them every --backup-interval, keeping the latest --backup-keep. The storage work is
// storage::BackupDir's; this adds who may, the resource names and the schedule.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "psc/registry/v1/backup.pb.h"
#include "server/common/caller.h"
#include "server/common/mutex.h"
#include "server/common/stoppable_thread.h"
#include "server/storage/backups.h"
#include "server/storage/store.h"

namespace psc::registry {

struct BackupOptions {
  std::string dir;                                 // empty: backups are not configured
  absl::Duration interval = absl::ZeroDuration();  // a scheduled backup this often (0: none)
  uint32_t keep = 0;  // after each backup, keep the latest this many (0: all)
};

// Thread-safe. Errors: PERMISSION_DENIED (ROLE_NOT_ALLOWED) for any caller but an admin, before
// anything else; FAILED_PRECONDITION (BACKUPS_NOT_CONFIGURED) without a backup dir;
// INVALID_ARGUMENT (INVALID_NAME) for a name that is not `backups/{id}`; the errors of
// storage::BackupDir.
class Backups {
 public:
  // Opens the backup dir (when configured) and starts the schedule (when an interval is set).
  // `store` must outlive the Backups.
  static absl::StatusOr<std::unique_ptr<Backups>> Start(storage::Store* store,
                                                        const BackupOptions& options);
  ~Backups() = default;  // stops the schedule, waiting for a backup in progress

  absl::StatusOr<v1::Backup> Create(const Caller& caller);
  absl::StatusOr<v1::ListBackupsResponse> List(const Caller& caller) const;
  absl::StatusOr<v1::Backup> Verify(const Caller& caller, const std::string& name) const;
  absl::Status Delete(const Caller& caller, const std::string& name);

  // When the newest backup in the dir was taken; nullopt when there is none (or no dir).
  std::optional<absl::Time> latest_backup_time() const;

 private:
  Backups(storage::Store* store, std::unique_ptr<storage::BackupDir> dir, BackupOptions options);
  absl::StatusOr<v1::Backup> TakeBackup();
  absl::Status CheckCaller(const Caller& caller) const;
  void RunSchedule(StoppableThread& self);

  storage::Store* const store_;
  const std::unique_ptr<storage::BackupDir> dir_;  // null: not configured
  const BackupOptions options_;
  mutable Mutex mu_;
  std::optional<absl::Time> latest_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<StoppableThread> schedule_;  // last: it uses the members above; null: none
};

}  // namespace psc::registry
