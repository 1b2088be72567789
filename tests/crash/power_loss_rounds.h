#pragma once
// crashtest --power-loss: pscd runs in this process over a file system that can lose power
// (server/storage/power_loss_fs.h), with scheduled backups, and the Atlas sync's exporter runs
// beside it (its files are imaged by tests/crash/synced_files.h). Each round loses power at a
// random instant under the workload, restarts pscd on what a disk would then hold, and checks
// the Atlas outbox and the backups as well as the workload's records.

#include <string>
#include <vector>

#include "tests/crash/crash_workload.h"
#include "tests/testing/temp_dir.h"

namespace psc::testing {

class PowerLossRounds {
 public:
  PowerLossRounds(int writers, int watchers) : workload_(writers, watchers) {}

  // Runs `rounds` power losses and the final check; the failures found. `sync` false turns
  // the WAL's fsync off, which the check must catch (--self-check).
  std::vector<std::string> Run(int rounds, bool sync);

 private:
  // After a restart: the Atlas cursor is whole, no further than the log, and every case-study
  // change up to it has its document; every backup lists and verifies.
  void CheckSidecars(const std::string& target, std::vector<std::string>* failures);

  CrashWorkload workload_;
  TempDir dir_;
  const std::string atlas_ = dir_.Sub("atlas");
  const std::string backups_ = dir_.Sub("backups");
  int backups_checked_ = 0;
  int atlas_documents_checked_ = 0;
};

}  // namespace psc::testing
