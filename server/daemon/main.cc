// pscd: the PSC Registry server.

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/common/log.h"
#include "server/daemon/accept_guard.h"
#include "server/daemon/config_check.h"
#include "server/daemon/daemon_flags.h"
#include "server/daemon/listener_probe.h"
#include "server/daemon/open_files.h"
#include "server/daemon/restore_command.h"
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
  // Debian builds abseil without NDEBUG, so every absl::Mutex lock (gRPC's, on every call) also
  // updated a lock-order graph for deadlock detection: CPU on every RPC in production.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  psc::daemon::DaemonFlags flags;
  CLI::App app{"pscd: the PSC Registry server (gRPC API psc.registry.v1.Registry)"};
  flags.Register(app);
  psc::daemon::RestoreFlags restore_flags;
  CLI::App* restore = psc::daemon::AddRestoreCommand(app, restore_flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; any bad flag or value exits 2, naming it.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (restore->parsed()) {
    umask(077);  // the restored files hold personal data, as the data dir's do
    return psc::daemon::RunRestore(restore_flags, std::cout, std::cerr);
  }
  psc::daemon::ServerOptions options = flags.server_options();
  psc::SetLogFormat(flags.log_format());
  if (flags.print_config()) {
    std::cout << app.config_to_str(/*default_also=*/true, /*write_description=*/true);
    return 0;
  }
  if (flags.check_config()) return psc::daemon::CheckConfig(options, std::cout) ? 0 : 2;

  // The data dir and every file pscd creates are its own: the write-ahead log holds contact
  // details (personal data).
  umask(077);
  sigset_t signals = BlockHandledSignals();
  // Descriptor floods: a high limit, a connection cap below it, and a listener that survives
  // running out (accept_guard.h).
  std::string limit_note;
  const int open_files = psc::daemon::RaiseOpenFileLimit(&limit_note);
  const int connection_cap =
      std::max(1, std::min(flags.max_connections(), open_files > 2 * kReservedDescriptors
                                                        ? open_files - kReservedDescriptors
                                                        : open_files / 2));
  // A connection silent for the handshake timeout would be closed by it anyway: the kernel holds
  // such connections back that long instead (TCP_DEFER_ACCEPT counts whole seconds).
  psc::daemon::InstallAcceptGuard(
      connection_cap, open_files,
      std::max(1, static_cast<int>(std::ceil(absl::ToDoubleSeconds(options.handshake_timeout)))));
  options.connection_counts = [] {
    const psc::daemon::AcceptCounts c = psc::daemon::GetAcceptCounts();
    return psc::daemon::ConnectionCounts{
        .open = c.open, .accepted = c.accepted, .refused = c.refused, .shed = c.shed};
  };
  psc::LogInfo(absl::StrCat("pscd: ", limit_note, "; at most ", connection_cap,
                            " client connections at once"));
  auto server = psc::daemon::Server::Start(options);
  if (!server.ok()) {
    psc::LogError(absl::StrCat("pscd: ", server.status().message()));
    // A setting that can never work (missing TLS files, --insecure off loopback) is a usage
    // error, like a bad flag: exit 2. Anything else (the data dir in use, the port taken) 1.
    return server.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  if (!options.sync) psc::LogWarning("fsync is off: acknowledged writes can be lost in a crash");
  if (options.security.insecure) {
    psc::LogWarning("plaintext (--insecure): every caller is an admin; loopback only");
  }
  const std::string metrics =
      (*server)->metrics_port() == 0
          ? std::string(", no metrics")
          : absl::StrCat(", metrics on http://",
                         options.metrics_listen.substr(0, options.metrics_listen.rfind(':')), ":",
                         (*server)->metrics_port(), "/metrics");
  const std::string health =
      options.health_listen.empty()
          ? std::string()
          : absl::StrCat(", plaintext health on ",
                         options.health_listen.substr(0, options.health_listen.rfind(':')), ":",
                         (*server)->health_port());
  psc::LogInfo(absl::StrCat("pscd ready, listening on ", (*server)->address(), metrics, health,
                            options.etcd.etcd.endpoints.empty()
                                ? ", data dir "
                                : absl::StrCat(", store etcd (", options.etcd.etcd.endpoints.size(),
                                               " members), mirror in "),
                            options.data_dir, options.security.insecure ? ", insecure" : ", mTLS"));

  std::unique_ptr<psc::daemon::ListenerProbe> probe;
  if (flags.listener_probe_seconds() > 0) {
    const std::string host = options.listen.substr(0, options.listen.rfind(':'));
    probe = std::make_unique<psc::daemon::ListenerProbe>(
        psc::daemon::ProbeHostFor(host), (*server)->port(),
        psc::daemon::ProbeOptions{.interval = absl::Seconds(flags.listener_probe_seconds())},
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
      psc::FlushLog();  // _exit runs no atexit handler
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
