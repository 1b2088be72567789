#pragma once
// The crash tests' workload and checker (crashtest's kill -9 and power-loss rounds): writers
// that create, update and delete experts through the real client, watchers that follow the
// change feed, and the check that nothing acknowledged was lost once the server is back.

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "psc/client/registry_client.h"
#include "tests/crash/expert_writes.h"

namespace psc::testing {

class CrashWorkload {
 public:
  CrashWorkload(int writers, int watchers) : writers_(writers), watchers_(watchers) {}

  // Runs the writers and watchers against `target` (a plaintext loopback pscd) for a random
  // while, then calls `cut` (the crash: kill -9, or the instant power is lost) while they are
  // mid-flight, then stops them. Anything acknowledged or watched after `cut` began counts as
  // unknown: only what the server confirmed before the crash must survive it.
  void RunRound(const std::string& target, int round, const std::function<void()>& cut);

  // Checks the restarted server at `target`: every acknowledged write is there as acknowledged,
  // the change log is gapless and replays into List, each watcher saw exactly the log's start
  // and search finds every record. Returns the failures (none when all hold).
  std::vector<std::string> Check(const std::string& target);

  int64_t acknowledged() const { return acknowledged_; }
  int64_t unknown() const { return unknown_; }
  int64_t events() const { return events_; }

 private:
  void Write(const std::string& target, int writer, int round, const std::atomic<bool>& stop);
  void Watch(const std::string& target, int watcher, const std::atomic<bool>& stop);
  void Record(Known* k, const absl::StatusOr<registry::v1::Expert>& result,
              const std::string& title, bool deleted);

  const int writers_;
  const int watchers_;
  std::atomic<bool> cut_{false};  // the crash has begun: nothing more is known for sure
  std::mutex mu_;                 // guards known_ entries' updates and write_errors_
  std::vector<std::map<std::string, Known>> known_;           // per writer
  std::vector<std::vector<registry::v1::ChangeEvent>> seen_;  // per watcher, across rounds
  std::vector<std::string> write_errors_;
  std::atomic<int64_t> acknowledged_{0}, unknown_{0}, events_{0};
};

// A client of `target` (plaintext loopback) that never retries: an unknown outcome must stay
// unknown.
client::RegistryClient CrashClient(const std::string& target, absl::Duration deadline);

}  // namespace psc::testing
