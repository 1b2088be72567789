#include "server/daemon/restore_command.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/storage/backups.h"

namespace psc::daemon {

CLI::App* AddRestoreCommand(CLI::App& app, RestoreFlags& flags) {
  CLI::App* restore = app.add_subcommand(
      "restore",
      "Restore an online backup into a new data dir, offline. Every file's checksum is checked "
      "as it is copied; the search index is rebuilt at pscd's first start on the new dir");
  restore->add_option("--from", flags.from, "The backup dir (pscd's --backup-dir)")->required();
  restore->add_option("--backup-id", flags.backup_id, "Which backup (default: the newest)")
      ->check(CLI::Range(1u, 4000000000u));
  restore
      ->add_option("--data-dir", flags.data_dir,
                   "The data dir to restore into: new, or empty (never overwritten)")
      ->required();
  return restore;
}

int RunRestore(const RestoreFlags& flags, std::ostream& out, std::ostream& err) {
  const absl::Time start = absl::Now();
  auto restored = storage::RestoreBackup(flags.from, flags.backup_id, flags.data_dir);
  if (!restored.ok()) {
    err << "pscd restore: " << restored.status().message() << "\n";
    return 1;
  }
  out << absl::StrFormat(
      "restored backups/%d (sequence %d, taken %s, %d files, %.1f MB) into %s in %s\n"
      "start pscd with --data-dir %s: it rebuilds the search index from the restored records\n",
      restored->id, restored->sequence,
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", restored->time, absl::UTCTimeZone()), restored->files,
      restored->size_bytes / 1e6, flags.data_dir,
      absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1))),
      flags.data_dir);
  return 0;
}

}  // namespace psc::daemon
