// pscd: the PSC Registry server.

#include <csignal>
#include <cstdlib>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "server/common/log.h"
#include "server/service/server.h"

namespace {

// Blocks SIGINT and SIGTERM in every thread (call before starting any), so that one thread
// can take them with sigwait.
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  psc::service::ServerOptions options;
  bool no_fsync = false;
  CLI::App app{"pscd: the PSC Registry server (gRPC API psc.registry.v1.Registry)"};
  app.add_option("--listen", options.listen, "Address to serve on, host:port (port 0: any free)")
      ->capture_default_str();
  app.add_option("--data-dir", options.data_dir, "Directory of the registry's RocksDB data")
      ->capture_default_str();
  app.add_flag("--unsafe-no-fsync", no_fsync,
               "Acknowledge writes before they reach the disk. For tests and benchmarks only: "
               "a crash can lose acknowledged writes");
  app.footer("Stops cleanly on SIGINT or SIGTERM: in-flight calls finish, the store is flushed.");
  CLI11_PARSE(app, argc, argv);
  options.sync = !no_fsync;

  sigset_t signals = BlockShutdownSignals();
  auto server = psc::service::Server::Start(options);
  if (!server.ok()) {
    psc::LogError(absl::StrCat("pscd: ", server.status().message()));
    return 1;
  }
  if (no_fsync) psc::LogWarning("fsync is off: acknowledged writes can be lost in a crash");
  psc::LogInfo(absl::StrCat("pscd ready, listening on ", (*server)->address(), ", data dir ",
                            options.data_dir));

  std::thread waiter([&signals, &server] {
    int signal = 0;
    sigwait(&signals, &signal);
    psc::LogInfo(absl::StrCat("pscd: signal ", signal, ", draining in-flight calls"));
    (*server)->Shutdown(absl::Seconds(10));
  });
  (*server)->Wait();
  waiter.join();
  server->reset();
  psc::LogInfo("pscd stopped cleanly");
  return 0;
}
