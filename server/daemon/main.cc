// pscd: the PSC Registry server.

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/common/log.h"
#include "server/daemon/accept_guard.h"
#include "server/daemon/listener_probe.h"
#include "server/daemon/open_files.h"
#include "server/daemon/server.h"

namespace {

// Exit status when the listener probe finds pscd no longer accepting connections.
constexpr int kExitListenerDeaf = 3;
// Descriptors kept back from connections for the store, the index and the log.
constexpr int kReservedDescriptors = 128;

// Blocks SIGINT, SIGTERM, SIGHUP and SIGUSR1 in every thread (call before starting any), so that
// one thread can take them with sigwait.
sigset_t BlockHandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR1);  // the listener probe: the listener is deaf
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  psc::service::ServerOptions options;
  bool no_fsync = false;
  CLI::App app{"pscd: the PSC Registry server (gRPC API psc.registry.v1.Registry)"};
  app.add_option("--listen", options.listen, "Address to serve on, host:port (port 0: any free)")
      ->capture_default_str()
      ->check([](const std::string& value) -> std::string {
        const size_t colon = value.rfind(':');
        int port = -1;
        if (colon == std::string::npos || colon == 0 ||
            !absl::SimpleAtoi(value.substr(colon + 1), &port) || port < 0 || port > 65535) {
          return "must be host:port with a port of 0..65535";
        }
        return "";
      });
  app.add_option("--data-dir", options.data_dir, "Directory of the registry's RocksDB data")
      ->capture_default_str()
      ->check([](const std::string& value) -> std::string {
        return value.empty() ? "must not be empty" : "";
      });
  app.add_option("--tls-cert", options.security.cert_file, "PEM server certificate (chain)");
  app.add_option("--tls-key", options.security.key_file, "PEM private key of --tls-cert");
  app.add_option("--client-ca", options.security.client_ca_file,
                 "PEM CA that every client certificate must chain to");
  app.add_option("--principals", options.principals_file,
                 "JSON file mapping client identities to roles; reread on SIGHUP");
  app.add_flag("--insecure", options.security.insecure,
               "Serve plaintext with every caller an admin: local development on a loopback "
               "address only");
  double retention_days = 30, trim_seconds = 60, progress_seconds = 10;
  // Every number is checked against its range: a value out of range stops pscd (exit 2) with a
  // message naming the flag, instead of, say, a trimmer that spins on a zero interval.
  app.add_option("--retention-days", retention_days, "Keep change-log entries this many days")
      ->capture_default_str()
      ->check(CLI::Range(1e-6, 36500.0));  // from about 0.1 s (tests) to 100 years
  app.add_option("--retention-count", options.retention.max_count,
                 "Keep at most this many change-log entries (0: no limit)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 40));
  double request_id_hours = 24;
  app.add_option("--request-id-ttl-hours", request_id_hours,
                 "Remember each Create's request_id this long: a retry within it returns the "
                 "original result")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 24.0 * 365));
  app.add_option("--trim-interval-seconds", trim_seconds, "How often to trim the change log")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 86400.0));
  app.add_option("--watch-progress-seconds", progress_seconds,
                 "Interval of progress messages on change-feed watches")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  app.add_option("--watch-max-lag", options.watch.max_lag,
                 "End a caught-up watch that falls this many changes behind")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  app.add_option("--max-watchers-per-identity", options.watch.max_per_identity,
                 "Open watches allowed per client identity")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  int max_connections = 4096;
  app.add_option("--max-connections", max_connections,
                 "Client connections open at once; more are closed as they arrive (at most the "
                 "open-file limit less 128)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  double handshake_seconds = 5;
  app.add_option("--handshake-timeout-seconds", handshake_seconds,
                 "Close a connection that has not completed its TLS handshake by then")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 600.0));
  double probe_seconds = 10;
  app.add_option("--listener-probe-seconds", probe_seconds,
                 "How often pscd checks over loopback that it still accepts connections; after "
                 "3 failures in a row it stops with exit status 3 for its supervisor to restart "
                 "it (0: never)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--write-rate", options.limits.writes_per_second,
                 "Writes a second each identity may make, sustained (0: no limit); more are "
                 "refused RESOURCE_EXHAUSTED / RATE_LIMITED with a RetryInfo")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--write-burst", options.limits.write_burst,
                 "Writes an idle identity may make at once")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e6));
  app.add_option("--max-expensive-calls", options.limits.max_expensive_calls,
                 "Searches, reports and listings each identity may have running at once (0: no "
                 "limit)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  app.add_flag("--limit-admins", options.limits.limit_admins,
               "Apply the per-identity limits to admins too (exempt by default)");
  double min_free_mb = 256;
  app.add_option("--min-free-disk-mb", min_free_mb,
                 "Refuse writes (UNAVAILABLE / STORAGE_FULL) while the data dir's disk has less "
                 "free space than this; they resume by themselves once it has more")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e7));
  bool no_reflection = false;
  app.add_flag("--no-reflection", no_reflection,
               "Do not serve gRPC server reflection (recommended in production)");
  app.add_flag("--unsafe-no-fsync", no_fsync,
               "Acknowledge writes before they reach the disk. For tests and benchmarks only: "
               "a crash can lose acknowledged writes");
  app.footer(
      "mTLS by default: give --tls-cert, --tls-key, --client-ca and --principals "
      "(certs/make-dev-certs "
      "mints a development set).\nSIGHUP rereads the principals file (a bad file is rejected and "
      "the "
      "old one kept).\nSIGINT or SIGTERM stop cleanly: in-flight calls finish, the store is "
      "flushed.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; any bad flag or value exits 2, naming it.
    return app.exit(e) == 0 ? 0 : 2;
  }
  options.sync = !no_fsync;
  options.retention.max_age = absl::Seconds(retention_days * 86400);
  options.retention.interval = absl::Seconds(trim_seconds);
  options.retention.request_id_ttl = absl::Seconds(request_id_hours * 3600);
  options.watch.progress_interval = absl::Seconds(progress_seconds);
  options.handshake_timeout = absl::Seconds(handshake_seconds);
  options.reflection = !no_reflection;
  options.min_free_bytes = static_cast<uint64_t>(min_free_mb * (1 << 20));

  // The data dir and every file pscd creates are its own: the write-ahead log holds contact
  // details (personal data).
  umask(077);
  sigset_t signals = BlockHandledSignals();
  // Descriptor floods: a high limit, a connection cap below it, and a listener that survives
  // running out (accept_guard.h).
  std::string limit_note;
  const int open_files = psc::daemon::RaiseOpenFileLimit(&limit_note);
  const int connection_cap =
      std::max(1, std::min(max_connections, open_files > 2 * kReservedDescriptors
                                                ? open_files - kReservedDescriptors
                                                : open_files / 2));
  psc::daemon::InstallAcceptGuard(connection_cap, open_files);
  psc::LogInfo(absl::StrCat("pscd: ", limit_note, "; at most ", connection_cap,
                            " client connections at once"));
  auto server = psc::service::Server::Start(options);
  if (!server.ok()) {
    psc::LogError(absl::StrCat("pscd: ", server.status().message()));
    // A setting that can never work (missing TLS files, --insecure off loopback) is a usage
    // error, like a bad flag: exit 2. Anything else (the data dir in use, the port taken) 1.
    return server.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  if (no_fsync) psc::LogWarning("fsync is off: acknowledged writes can be lost in a crash");
  if (options.security.insecure) {
    psc::LogWarning("plaintext (--insecure): every caller is an admin; loopback only");
  }
  psc::LogInfo(absl::StrCat("pscd ready, listening on ", (*server)->address(), ", data dir ",
                            options.data_dir, options.security.insecure ? ", insecure" : ", mTLS"));

  std::unique_ptr<psc::daemon::ListenerProbe> probe;
  if (probe_seconds > 0) {
    const std::string host = options.listen.substr(0, options.listen.rfind(':'));
    probe = std::make_unique<psc::daemon::ListenerProbe>(
        psc::daemon::ProbeHostFor(host), (*server)->port(),
        psc::daemon::ProbeOptions{.interval = absl::Seconds(probe_seconds)},
        [] { kill(getpid(), SIGUSR1); });
  }
  int exit_status = 0;
  std::thread waiter([&signals, &server, &exit_status] {
    int signal = 0;
    while (sigwait(&signals, &signal) == 0 && signal == SIGHUP) {
      absl::Status reloaded = (*server)->ReloadPrincipals();
      if (reloaded.ok()) {
        psc::LogInfo("pscd: principals reloaded");
      } else {
        psc::LogError(absl::StrCat("pscd: principals not reloaded, keeping the old ones: ",
                                   reloaded.message()));
      }
    }
    if (signal == SIGUSR1) exit_status = kExitListenerDeaf;
    psc::LogInfo(absl::StrCat("pscd: signal ", signal, ", draining in-flight calls"));
    // A second SIGINT or SIGTERM while draining stops at once: every acknowledged write is
    // already in the write-ahead log.
    std::thread([signals] {
      int again = 0;
      while (sigwait(&signals, &again) == 0 && again != SIGINT && again != SIGTERM) {
      }
      psc::LogWarning("pscd: second signal: stopping now, without draining");
      _exit(1);
    }).detach();
    (*server)->Shutdown(absl::Seconds(10));
  });
  (*server)->Wait();
  waiter.join();
  probe.reset();
  server->reset();
  psc::LogInfo(exit_status == 0 ? "pscd stopped cleanly"
                                : "pscd stopped: the listener was deaf (exit status 3)");
  return exit_status;
}
