#include "tests/testing/etcd_cluster.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/testing/eventually.h"
#include "tests/testing/pscd_process.h"

extern char** environ;

namespace psc::testing {
namespace {

constexpr char kEtcd[] = "/usr/bin/etcd";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool EtcdCluster::Installed() { return ::access(kEtcd, X_OK) == 0; }

absl::StatusOr<std::unique_ptr<EtcdCluster>> EtcdCluster::Start(const Options& options) {
  if (!Installed()) return absl::FailedPreconditionError("etcd is not installed");
  // Ports are taken while free and may be lost to a race: try a few sets.
  absl::Status last;
  for (int round = 0; round < 3; ++round) {
    std::unique_ptr<EtcdCluster> cluster(new EtcdCluster());
    cluster->options_ = options;
    cluster->options_.dir = absl::StrCat(options.dir, "/etcd-", round);
    const int n = options.members;
    cluster->pids_.assign(n, -1);
    cluster->log_offsets_.assign(n, 0);
    for (int i = 0; i < n; ++i) {
      cluster->names_.push_back(absl::StrCat("m", i));
      cluster->client_ports_.push_back(FreeLoopbackPort());
      cluster->peer_ports_.push_back(FreeLoopbackPort());
      cluster->client_urls_.push_back(
          absl::StrCat("https://127.0.0.1:", cluster->client_ports_.back()));
    }
    last = absl::OkStatus();
    for (int i = 0; i < n && last.ok(); ++i) last = cluster->Spawn(i, /*initial=*/true);
    for (int i = 0; i < n && last.ok(); ++i) last = cluster->WaitReady(i, absl::Seconds(30));
    if (last.ok()) return cluster;
  }
  return last;
}

EtcdCluster::~EtcdCluster() {
  for (size_t i = 0; i < pids_.size(); ++i) {
    if (pids_[i] > 0) Signal(i, SIGKILL);
  }
}

std::string EtcdCluster::endpoints() const { return absl::StrJoin(client_urls_, ","); }

std::string EtcdCluster::Log(int i) const {
  return ReadAll(absl::StrCat(options_.dir, "/", names_[i], ".log"));
}

absl::Status EtcdCluster::Spawn(int i, bool initial) {
  std::filesystem::create_directories(options_.dir);
  const std::string certs = TestCertsDir();
  std::vector<std::string> cluster;
  for (size_t m = 0; m < names_.size(); ++m) {
    cluster.push_back(absl::StrCat(names_[m], "=http://127.0.0.1:", peer_ports_[m]));
  }
  const std::string client = client_urls_[i];
  const std::string peer = absl::StrCat("http://127.0.0.1:", peer_ports_[i]);
  std::vector<std::string> args = {
      kEtcd,
      "--name=" + names_[i],
      absl::StrCat("--data-dir=", options_.dir, "/", names_[i]),
      "--listen-client-urls=" + client,
      "--advertise-client-urls=" + client,
      "--listen-peer-urls=" + peer,
      "--initial-advertise-peer-urls=" + peer,
      "--initial-cluster=" + absl::StrJoin(cluster, ","),
      "--initial-cluster-state=new",
      "--initial-cluster-token=psc-test",
      "--client-cert-auth",
      "--trusted-ca-file=" + certs + "/ca.crt",
      "--cert-file=" + certs + "/etcd.crt",
      "--key-file=" + certs + "/etcd.key",
      absl::StrCat("--max-txn-ops=", options_.max_txn_ops),
      absl::StrCat("--max-request-bytes=", options_.max_request_bytes),
      // Elections in well under a second on loopback, so that failover tests stay short.
      "--heartbeat-interval=50",
      "--election-timeout=500",
      "--logger=zap",
  };
  if (options_.quota_backend_bytes > 0) {
    args.push_back(absl::StrCat("--quota-backend-bytes=", options_.quota_backend_bytes));
  }
  const std::string log_path = absl::StrCat(options_.dir, "/", names_[i], ".log");
  log_offsets_[i] = initial ? 0 : ReadAll(log_path).size();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int spawned = ::posix_spawn(&pid, kEtcd, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return absl::InternalError(absl::StrCat("posix_spawn etcd: ", spawned));
  pids_[i] = pid;
  return absl::OkStatus();
}

absl::Status EtcdCluster::WaitReady(int i, absl::Duration timeout) {
  bool exited = false;
  const bool ready = Eventually(
      [&] {
        int status = 0;
        if (pids_[i] > 0 && ::waitpid(pids_[i], &status, WNOHANG) == pids_[i]) {
          pids_[i] = -1;
          exited = true;
          return true;
        }
        return Log(i).find("serving client traffic", log_offsets_[i]) != std::string::npos;
      },
      timeout);
  if (ready && !exited) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("etcd member ", names_[i],
                                             exited ? " exited" : " did not get ready",
                                             "; its log:\n", Log(i).substr(log_offsets_[i])));
}

void EtcdCluster::Signal(int i, int signal) {
  if (pids_[i] <= 0) return;
  ::kill(pids_[i], signal);
  if (signal == SIGKILL || signal == SIGTERM) {
    if (signal == SIGTERM) ::kill(pids_[i], SIGCONT);
    int status = 0;
    ::waitpid(pids_[i], &status, 0);
    pids_[i] = -1;
  }
}

absl::Status EtcdCluster::Restart(int i) {
  if (pids_[i] > 0) Signal(i, SIGKILL);
  if (absl::Status s = Spawn(i, /*initial=*/false); !s.ok()) return s;
  return WaitReady(i, absl::Seconds(30));
}

}  // namespace psc::testing
