#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace psc::testing {

// A real etcd cluster (Debian's etcd-server) of child processes on loopback, each member with
// its own data dir and free ports, for tests of the etcd store. Clients reach it over mTLS with
// the test certificates (etcd.crt for the members, admin.crt for pscd).
class EtcdCluster {
 public:
  struct Options {
    std::string dir;  // required: the members' data dirs and logs go here
    int members = 1;
    // As the registry's cluster runs (docs/high-availability.md).
    int max_txn_ops = 10000;
    int max_request_bytes = 8 << 20;
    int64_t quota_backend_bytes = 0;  // 0: etcd's default (2 GiB)
  };

  // Whether etcd is installed (tools/install-deps installs it).
  static bool Installed();

  // Starts every member and waits (up to 30 s) until each serves clients. The error holds the
  // members' logs when one does not start.
  static absl::StatusOr<std::unique_ptr<EtcdCluster>> Start(const Options& options);

  // Kills every member still running.
  ~EtcdCluster();

  // The members' client URLs (https://127.0.0.1:PORT), and all of them joined by commas.
  const std::vector<std::string>& client_urls() const { return client_urls_; }
  std::string endpoints() const;

  // Sends `signal` to member `i` (SIGKILL waits for its exit; SIGSTOP/SIGCONT do not).
  void Signal(int i, int signal);
  // Starts member `i` again on its data dir and ports; waits until it serves clients.
  absl::Status Restart(int i);
  bool running(int i) const { return pids_[i] > 0; }

  // Member `i`'s log so far.
  std::string Log(int i) const;

 private:
  EtcdCluster() = default;
  absl::Status Spawn(int i, bool initial);
  absl::Status WaitReady(int i, absl::Duration timeout);

  Options options_;
  std::vector<std::string> names_;
  std::vector<int> client_ports_;
  std::vector<int> peer_ports_;
  std::vector<std::string> client_urls_;
  std::vector<pid_t> pids_;
  std::vector<size_t> log_offsets_;  // where a member's current run starts in its log
};

// A loopback TCP port that was free a moment ago.
int FreeLoopbackPort();

}  // namespace psc::testing
