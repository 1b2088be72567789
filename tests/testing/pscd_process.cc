#include "tests/testing/pscd_process.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/testing/eventually.h"

namespace psc::testing {

std::string PscdPath() { return PSC_PSCD_PATH; }
std::string TestCertsDir() { return PSC_TEST_CERTS_DIR; }

absl::StatusOr<std::unique_ptr<PscdProcess>> PscdProcess::Start(const Options& options) {
  std::vector<std::string> args = {PscdPath(), "--listen", options.listen, "--data-dir",
                                   options.data_dir};
  if (options.metrics_listen) {
    args.insert(args.end(), {"--metrics-listen", *options.metrics_listen});
  }
  if (!options.fsync) args.push_back("--unsafe-no-fsync");
  if (options.insecure) {
    args.push_back("--insecure");
  } else {
    const std::string certs = TestCertsDir();
    std::string principals =
        options.principals_file.empty() ? certs + "/principals.json" : options.principals_file;
    args.insert(args.end(),
                {"--tls-cert", certs + "/server.crt", "--tls-key", certs + "/server.key",
                 "--client-ca", certs + "/ca.crt", "--principals", principals});
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  if (options.max_open_files > 0) {  // prlimit sets the limits and execs pscd: the same pid
    args.insert(
        args.begin(),
        {"/usr/bin/prlimit",
         absl::StrCat("--nofile=", options.max_open_files, ":", options.max_open_files), "--"});
  }

  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return absl::InternalError("pipe failed");
  // posix_spawn, not fork: fork runs gRPC's fork handlers, which break the channels the test
  // process already has open.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int spawned = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return absl::InternalError("cannot start pscd");
  ::close(pipe_fds[1]);
  std::unique_ptr<PscdProcess> process(new PscdProcess);
  process->pid_ = pid;

  // Read stderr until the ready line, pscd's exit or the timeout.
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  std::string seen;
  const std::string marker = "listening on ";
  while (absl::Now() < give_up) {
    pollfd pfd{pipe_fds[0], POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(pipe_fds[0], buf, sizeof(buf));
    if (n <= 0) break;  // pscd exited
    seen.append(buf, n);
    size_t at = seen.find(marker);
    size_t end = at == std::string::npos ? at : seen.find_first_of(", \n", at + marker.size());
    if (end != std::string::npos) {
      process->target_ = seen.substr(at + marker.size(), end - at - marker.size());
      const std::string metrics = "metrics on http://";
      if (const size_t m = seen.find(metrics, end); m != std::string::npos) {
        process->metrics_target_ = seen.substr(
            m + metrics.size(), seen.find('/', m + metrics.size()) - m - metrics.size());
      }
      process->log_ = seen;
      int fd = pipe_fds[0];
      process->drainer_ = std::thread([p = process.get(), fd] { p->Drain(fd); });
      return process;
    }
  }
  ::close(pipe_fds[0]);
  process->Stop(SIGKILL);
  return absl::UnavailableError(absl::StrCat("pscd did not become ready; it printed: ", seen));
}

void PscdProcess::Drain(int fd) {
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    log_.append(buf, n);
  }
  ::close(fd);
}

int PscdProcess::Stop(int signal) {
  if (pid_ <= 0) return 0;
  ::kill(pid_, signal);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (drainer_.joinable()) drainer_.join();
  return status;
}

PscdProcess::~PscdProcess() { Stop(SIGTERM); }

void PscdProcess::Signal(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

bool PscdProcess::WaitForLog(const std::string& text, absl::Duration timeout) const {
  return Eventually([&] { return Log().find(text) != std::string::npos; }, timeout);
}

std::string PscdProcess::Log() const {
  std::lock_guard<std::mutex> lock(mu_);
  return log_;
}

}  // namespace psc::testing
