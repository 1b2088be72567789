// The crash test: rounds of crashes under concurrent writers and watchers, then a check that
// nothing acknowledged was lost (tests/crash/crash_workload.h). Two kinds of crash:
//  - kill -9 of a real pscd process (fsync on): the page cache survives, as it does when only
//    the process dies;
//  - --power-loss: pscd runs in this process over a file system that drops every byte not yet
//    synced (server/storage/power_loss_fs.h), as a machine that loses power does.
// With --self-check the test must fail, which proves it can: kill -9 rounds restore an old copy
// of the data dir before the check; power-loss rounds run with the WAL's fsync off.
// Exit 0 when every check passes (with --self-check: when the checker caught the loss).

#include <signal.h>

#include <filesystem>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/crash/crash_workload.h"
#include "tests/crash/power_loss_rounds.h"
#include "tests/testing/pscd_process.h"
#include "tests/testing/temp_dir.h"

namespace psc::testing {
namespace {

// Rounds of kill -9 against a real pscd; the failures found.
class KillRounds {
 public:
  KillRounds(int writers, int watchers) : workload_(writers, watchers) {}

  std::vector<std::string> Run(int rounds, bool self_check) {
    std::string snapshot;  // an early copy of the data dir, for --self-check
    for (int round = 1; round <= rounds; ++round) {
      if (!Start()) return {"pscd did not start: " + start_error_};
      workload_.RunRound(pscd_->target(), round, [&] { ::kill(pscd_->pid(), SIGKILL); });
      pscd_->Stop(SIGKILL);
      std::cout << "round " << round << ": killed after " << workload_.acknowledged()
                << " acknowledged writes in all (" << workload_.unknown() << " outcomes unknown), "
                << workload_.events() << " events watched\n";
      if (self_check && round == 1) {
        snapshot = dir_.Sub("snapshot");
        std::filesystem::copy(dir_.Sub("data"), snapshot, std::filesystem::copy_options::recursive);
      }
    }
    if (self_check) {
      std::filesystem::remove_all(dir_.Sub("data"));
      std::filesystem::rename(snapshot, dir_.Sub("data"));
      std::cout << "self-check: restored the data dir as it was after round 1\n";
    }
    if (!Start()) return {"pscd did not restart: " + start_error_};
    return workload_.Check(pscd_->target());
  }

 private:
  bool Start() {
    PscdProcess::Options options{.data_dir = dir_.Sub("data"), .fsync = true, .insecure = true};
    if (port_ != 0) options.listen = absl::StrCat("127.0.0.1:", port_);
    auto pscd = PscdProcess::Start(options);
    if (!pscd.ok()) {
      start_error_ = std::string(pscd.status().message());
      return false;
    }
    pscd_ = *std::move(pscd);
    const std::string& target = pscd_->target();
    port_ = std::stoi(target.substr(target.rfind(':') + 1));
    return true;
  }

  CrashWorkload workload_;
  TempDir dir_;
  std::unique_ptr<PscdProcess> pscd_;
  std::string start_error_;
  int port_ = 0;
};

}  // namespace
}  // namespace psc::testing

int main(int argc, char** argv) {
  int rounds = 3, writers = 8, watchers = 2;
  bool self_check = false, power_loss = false;
  CLI::App app{
      "crashtest: crash rounds (kill -9, or power loss) under load; checks nothing acknowledged "
      "is lost"};
  app.add_option("--rounds,rounds", rounds, "crash rounds")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--writers", writers, "concurrent writers")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--watchers", watchers, "concurrent watchers")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  app.add_flag("--power-loss", power_loss,
               "lose power instead of kill -9: pscd in this process, over a file system that "
               "drops every byte not yet synced");
  app.add_flag("--self-check", self_check,
               "plant a loss the check must catch (exit 0 when it does): kill -9 rounds restore "
               "an old copy of the data dir, power-loss rounds turn the WAL's fsync off");
  CLI11_PARSE(app, argc, argv);
  const absl::Time start = absl::Now();
  std::vector<std::string> failures;
  if (power_loss) {
    psc::testing::PowerLossRounds test(writers, watchers);
    failures = test.Run(rounds, /*sync=*/!self_check);
  } else {
    psc::testing::KillRounds test(writers, watchers);
    failures = test.Run(rounds, self_check);
  }
  constexpr size_t kShown = 20;  // a planted loss fails thousands of records: name the first
  for (size_t i = 0; i < failures.size() && i < kShown; ++i) {
    std::cout << "FAIL " << failures[i] << "\n";
  }
  if (failures.size() > kShown) std::cout << "... and " << failures.size() - kShown << " more\n";
  std::cout << rounds << (power_loss ? " power losses in " : " rounds in ")
            << absl::FormatDuration(absl::Now() - start) << ": "
            << (failures.empty() ? "no acknowledged write lost, no watch anomaly"
                                 : absl::StrCat(failures.size(), " failures"))
            << "\n";
  if (self_check) {
    std::cout << (failures.empty() ? "self-check FAILED: the planted loss went unnoticed\n"
                                   : "self-check passed: the planted loss was caught\n");
    return failures.empty() ? 1 : 0;
  }
  return failures.empty() ? 0 : 1;
}
