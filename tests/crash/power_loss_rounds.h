#pragma once
// crashtest --power-loss: pscd runs in this process over a file system that can lose power
// (server/storage/power_loss_fs.h); each round loses it at a random instant under the
// workload, restarts pscd on what a disk would then hold, and goes on.

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
  CrashWorkload workload_;
  TempDir dir_;
};

}  // namespace psc::testing
