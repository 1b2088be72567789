#include "server/daemon/config_check.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "server/etcd/etcd_client.h"
#include "server/service/transport/certificate_info.h"
#include "server/service/transport/credentials.h"

namespace psc::daemon {
namespace {

// Whether `listen` (host:port) can be bound now: OK, or why not. Port 0 always can.
absl::Status CheckBindable(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  host = std::string(absl::StripSuffix(absl::StripPrefix(host, "["), "]"));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const int resolved = getaddrinfo(host.empty() || host == "0.0.0.0" ? nullptr : host.c_str(),
                                   port.c_str(), &hints, &found);
  if (resolved != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("host \"", host, "\" does not resolve: ", gai_strerror(resolved)));
  }
  absl::Status status = absl::OkStatus();
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
      status = absl::UnavailableError(absl::StrCat("cannot bind: ", std::strerror(errno)));
    }
    close(fd);
    if (!status.ok()) break;
  }
  freeaddrinfo(found);
  return status;
}

// Whether the etcd cluster answers: its TLS files read, and a member's status over them.
absl::Status CheckEtcd(const etcd::ClientOptions& options, std::string* found) {
  auto client = etcd::Client::Create(options);
  if (!client.ok()) return client.status();
  for (size_t i = 0; i < options.endpoints.size(); ++i) {
    etcdserverpb::StatusResponse status;
    const std::string member = (*client)->current_endpoint();
    if ((*client)->Status(&status).ok()) {
      *found = absl::StrCat(member, " answers: etcd ", status.version(), ", ",
                            status.leader() != 0 ? "a leader elected" : "NO LEADER", ", database ",
                            status.dbsize() >> 20, " MiB");
      return absl::OkStatus();
    }
    (*client)->Rotate();
  }
  return absl::UnavailableError(absl::StrCat("no member of ", absl::StrJoin(options.endpoints, ","),
                                             " answers over these TLS settings"));
}

// Whether pscd could keep its data in `dir`: a writable directory, or a path whose nearest
// existing parent is one (pscd creates the rest).
absl::Status CheckDataDir(const std::string& dir, std::string* found) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path path = fs::absolute(dir, error);
  if (fs::exists(path, error)) {
    if (!fs::is_directory(path, error)) {
      return absl::InvalidArgumentError(absl::StrCat(dir, " is not a directory"));
    }
    *found = fs::exists(path / "CURRENT", error) ? "holds a registry"
             : fs::exists(path / "meta", error)  ? "holds backups"
                                                 : "exists, empty";
  } else {
    while (!fs::exists(path, error) && path.has_parent_path() && path != path.parent_path()) {
      path = path.parent_path();
    }
    *found = absl::StrCat("will be created in ", path.string());
  }
  if (access(path.c_str(), W_OK | X_OK) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.string(), " is not writable by this user: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

class Report {
 public:
  explicit Report(std::ostream& out) : out_(out) {}
  void Add(const std::string& what, const absl::Status& status, const std::string& found) {
    ok_ = ok_ && status.ok();
    out_ << (status.ok() ? "ok    " : "FAIL  ") << what << ": "
         << (status.ok() ? found : std::string(status.message())) << "\n";
  }
  bool ok() const { return ok_; }

 private:
  std::ostream& out_;
  bool ok_ = true;
};

}  // namespace

bool CheckConfig(const ServerOptions& options, std::ostream& out) {
  Report report(out);
  const auto authenticator = MakeAuthenticator(options);
  report.Add(options.security.insecure ? "--insecure" : "--principals", authenticator.status(),
             options.security.insecure ? "plaintext, loopback only, every caller an admin"
                                       : options.principals_file + " parses");
  if (!options.security.insecure) {
    const auto credentials = service::MakeServerCredentials(options.security);
    report.Add("--tls-cert, --tls-key, --client-ca", credentials.status(), "PEM files read");
    if (credentials.ok()) {
      auto cert = service::ReadCertificate(options.security.cert_file, options.security.key_file);
      absl::Status status = cert.status();
      if (cert.ok() && cert->not_after < absl::Now()) {
        status = absl::InvalidArgumentError(absl::StrCat(
            "--tls-cert: ", cert->subject, " expired on ", absl::FormatTime(cert->not_after)));
      }
      report.Add(
          "--tls-cert", status,
          cert.ok()
              ? absl::StrCat(cert->subject, ", matches --tls-key, valid until ",
                             absl::FormatTime("%Y-%m-%d", cert->not_after, absl::UTCTimeZone()),
                             " (", absl::ToInt64Hours(cert->not_after - absl::Now()) / 24, " days)")
              : "");
    }
  }
  std::string found;
  if (!options.etcd.etcd.endpoints.empty()) {
    const absl::Status etcd = CheckEtcd(options.etcd.etcd, &found);
    report.Add("--store etcd", etcd, found);
  }
  const absl::Status data_dir = CheckDataDir(options.data_dir, &found);
  report.Add("--data-dir " + options.data_dir, data_dir, found);
  if (!options.backup.dir.empty()) {
    const absl::Status backup_dir = CheckDataDir(options.backup.dir, &found);
    report.Add("--backup-dir " + options.backup.dir, backup_dir, found);
  } else if (options.backup.interval > absl::ZeroDuration()) {
    report.Add("--backup-interval-hours",
               absl::InvalidArgumentError("needs --backup-dir, where the backups go"), "");
  }
  report.Add("--listen " + options.listen, CheckBindable(options.listen), "free");
  if (!options.metrics_listen.empty()) {
    absl::Status metrics = CheckBindable(options.metrics_listen);
    // The default's port taken is no reason not to start: pscd then serves no metrics.
    if (!metrics.ok() && options.metrics_listen_is_default) {
      report.Add("--metrics-listen " + options.metrics_listen, absl::OkStatus(),
                 "in use: pscd would run without metrics");
    } else {
      report.Add("--metrics-listen " + options.metrics_listen, metrics, "free");
    }
  }
  if (!options.health_listen.empty()) {
    report.Add("--health-listen " + options.health_listen, CheckBindable(options.health_listen),
               "free");
  }
  out << (report.ok() ? "pscd would start with this configuration\n"
                      : "pscd would not start: fix each FAIL above\n");
  return report.ok();
}

}  // namespace psc::daemon
