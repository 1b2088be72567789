#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace psc::testing {

// A real pscd child process listening on 127.0.0.1:0, for integration tests.
class PscdProcess {
 public:
  struct Options {
    std::string data_dir;                // required
    bool fsync = false;                  // tests run without fsync unless durability matters
    std::string listen = "127.0.0.1:0";  // a fixed port to come back on after a restart
    // --metrics-listen; "" for none; nullopt passes no flag, so pscd takes its default.
    std::optional<std::string> metrics_listen = "127.0.0.1:0";
    bool insecure = false;                // plaintext instead of mTLS with the test certificates
    std::string principals_file;          // default: the test certificates' principals.json
    std::vector<std::string> extra_args;  // more flags
    int max_open_files = 0;               // > 0: pscd's soft and hard open-file limit
  };

  // Starts pscd and waits (up to 20 s) for its "listening on ADDRESS" line. The error holds
  // what pscd printed when it exits or never gets ready.
  static absl::StatusOr<std::unique_ptr<PscdProcess>> Start(const Options& options);

  // Sends SIGTERM and waits, unless already stopped.
  ~PscdProcess();

  // The bound address, e.g. "127.0.0.1:40211".
  const std::string& target() const { return target_; }
  // host:port of GET /metrics, or "" when pscd serves none.
  const std::string& metrics_target() const { return metrics_target_; }

  // Sends `signal` and waits for the exit; returns the wait(2) status.
  int Stop(int signal);

  // Sends `signal` without waiting, e.g. SIGHUP.
  void Signal(int signal);

  // Waits up to `timeout` until pscd's log contains `text`; whether it did.
  bool WaitForLog(const std::string& text, absl::Duration timeout = absl::Seconds(10)) const;

  // Everything pscd has written to stderr so far.
  std::string Log() const;

  // pscd's process id (for /proc, e.g. its peak memory).
  pid_t pid() const { return pid_; }

 private:
  PscdProcess() = default;
  void Drain(int fd);

  pid_t pid_ = -1;
  std::string target_;
  std::string metrics_target_;
  mutable std::mutex mu_;
  std::string log_;  // guarded by mu_
  std::thread drainer_;
};

// The path of the built pscd binary.
std::string PscdPath();

// The directory of the test certificates (tests/testing/make-test-certs): ca.crt, server.*,
// and NAME.crt / NAME.key for admin, lead-wessex, lead-oxford, member-wessex, atlas, reader,
// stranger, expired and other-ca; etcd.crt / etcd.key for a loopback etcd member.
std::string TestCertsDir();

}  // namespace psc::testing
