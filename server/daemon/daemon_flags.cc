#include "server/daemon/daemon_flags.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "server/daemon/build_info.h"

namespace psc::daemon {
namespace {

// host:port with a port of 0..65535.
CLI::Validator HostPortValidator() {
  return CLI::Validator(
      [](const std::string& value) -> std::string {
        const size_t colon = value.rfind(':');
        int port = -1;
        if (colon == std::string::npos || colon == 0 ||
            !absl::SimpleAtoi(value.substr(colon + 1), &port) || port < 0 || port > 65535) {
          return "must be host:port with a port of 0..65535";
        }
        return "";
      },
      "HOST:PORT");
}

// host:port, or empty for "none".
CLI::Validator HostPortOrEmpty() {
  return HostPortValidator() |
         CLI::Validator(
             [](std::string& value) -> std::string { return value.empty() ? "" : "not empty"; },
             "");
}

}  // namespace

void DaemonFlags::Register(CLI::App& app) {
  app.set_version_flag("--version", VersionText());
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is an error
  app.set_config("--config", "",
                 "TOML file of flags, `flag = value` without the dashes (deploy/pscd.toml lists "
                 "every one); flags on the command line win");
  app.add_flag("--check-config", check_config_,
               "Check the flags, files, permissions and ports, print what was checked, and exit "
               "(0: pscd would start; 2: it would not, and why) without serving")
      ->configurable(false);
  app.add_flag("--print-config", print_config_,
               "Print every flag with its value as a --config file, and exit")
      ->configurable(false);
  app.add_option("--listen", options_.listen, "Address to serve on, host:port (port 0: any free)")
      ->capture_default_str()
      ->check(HostPortValidator());
  options_.metrics_listen = "127.0.0.1:9464";
  metrics_listen_ =
      app.add_option("--metrics-listen", options_.metrics_listen,
                     "Address of GET /metrics for Prometheus, host:port, plain HTTP (empty: none). "
                     "Keep it on loopback or a network only the monitoring can reach. When the "
                     "default's port is taken (another pscd here), pscd runs without metrics; a "
                     "port given here must be free")
          ->capture_default_str()
          ->check(HostPortOrEmpty());
  app.add_option("--health-listen", options_.health_listen,
                 "Address of a plaintext gRPC server with only the health service, host:port, "
                 "for probes without a client certificate (Kubernetes gRPC probes); empty: none")
      ->check(HostPortOrEmpty());
  app.add_option("--log-format", log_format_,
                 "Log lines as text, or as one JSON object a line (time, level, msg and fields)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--log-calls", log_calls_,
                 "Which calls get a log line (method, code, reason, duration, identity, resource, "
                 "request id; never contents): all, errors or none")
      ->capture_default_str()
      ->check(CLI::IsMember({"all", "errors", "none"}));
  app.add_option("--store", store_,
                 "Where the registry lives: rocksdb (embedded, in --data-dir) or "
                 "etcd:URL[,URL...] (an etcd v3 cluster's members, https://host:port; several "
                 "pscd replicas may share it, each keeping a mirror in its own --data-dir)")
      ->capture_default_str()
      ->check([](const std::string& value) -> std::string {
        if (value == "rocksdb") return "";
        if (!absl::StartsWith(value, "etcd:") || value.size() == 5) {
          return "must be rocksdb or etcd:URL[,URL...]";
        }
        for (absl::string_view url : absl::StrSplit(value.substr(5), ',')) {
          if (!absl::StartsWith(url, "https://") && !absl::StartsWith(url, "http://")) {
            return absl::StrCat("\"", url, "\" is not a member URL (https://host:port)");
          }
        }
        return "";
      });
  app.add_option("--etcd-ca", options_.etcd.etcd.ca_file,
                 "PEM CA that signed the etcd members' certificates (--store etcd)");
  app.add_option("--etcd-cert", options_.etcd.etcd.cert_file,
                 "PEM client certificate pscd shows etcd (mTLS; with --etcd-key)");
  app.add_option("--etcd-key", options_.etcd.etcd.key_file, "PEM private key of --etcd-cert");
  app.add_option("--etcd-prefix", options_.etcd.prefix,
                 "The registry's keys in etcd start with this (one cluster may hold several)")
      ->capture_default_str()
      ->check([](const std::string& value) -> std::string {
        return value.empty() ? "must not be empty" : "";
      });
  app.add_option("--etcd-max-txn-ops", options_.etcd.max_txn_ops,
                 "The etcd cluster's --max-txn-ops: pscd fits each commit within it")
      ->capture_default_str()
      ->check(CLI::Range(16, 1000000));
  app.add_option("--etcd-max-request-mb", etcd_max_request_mb_,
                 "The etcd cluster's --max-request-bytes, in MiB: pscd fits each commit within "
                 "it (a 1 MiB record needs 4: the record and its change-log entry)")
      ->capture_default_str()
      ->check(CLI::Range(1.5, 1024.0));
  app.add_option("--etcd-start-seconds", etcd_start_seconds_,
                 "How long pscd waits at start for etcd to load an empty mirror (a mirror with "
                 "data starts without etcd, serving reads, and catches up)")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--etcd-lost-seconds", etcd_lost_seconds_,
                 "Report NOT_SERVING on health once the mirror has not held etcd's latest "
                 "commit for this long (a load balancer then drains the replica; reads go on)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 86400.0));
  app.add_option("--data-dir", options_.data_dir,
                 "Directory of the registry's RocksDB data (with --store etcd, of its local "
                 "mirror) and search index")
      ->capture_default_str()
      ->check([](const std::string& value) -> std::string {
        return value.empty() ? "must not be empty" : "";
      });
  app.add_option("--tls-cert", options_.security.cert_file, "PEM server certificate (chain)");
  app.add_option("--tls-key", options_.security.key_file, "PEM private key of --tls-cert");
  app.add_option("--client-ca", options_.security.client_ca_file,
                 "PEM CA that every client certificate must chain to");
  app.add_option("--principals", options_.principals_file,
                 "JSON file mapping client identities to roles; reread on SIGHUP");
  app.add_flag("--insecure", options_.security.insecure,
               "Serve plaintext with every caller an admin: local development on a loopback "
               "address only");
  // Every number is checked against its range: a value out of range stops pscd (exit 2) with a
  // message naming the flag, instead of, say, a trimmer that spins on a zero interval.
  app.add_option("--retention-days", retention_days_, "Keep change-log entries this many days")
      ->capture_default_str()
      ->check(CLI::Range(1e-6, 36500.0));  // from about 0.1 s (tests) to 100 years
  app.add_option("--retention-count", options_.retention.max_count,
                 "Keep at most this many change-log entries (0: no limit)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 40));
  app.add_option("--request-id-ttl-hours", request_id_hours_,
                 "Remember each Create's request_id this long: a retry within it returns the "
                 "original result")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 24.0 * 365));
  app.add_option("--trim-interval-seconds", trim_seconds_, "How often to trim the change log")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 86400.0));
  app.add_option("--watch-progress-seconds", progress_seconds_,
                 "Interval of progress messages on change-feed watches")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  app.add_option("--watch-max-lag", options_.watch.max_lag,
                 "End a caught-up watch that falls this many changes behind")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  app.add_option("--max-watchers-per-identity", options_.watch.max_per_identity,
                 "Open watches allowed per client identity")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("--max-connections", max_connections_,
                 "Client connections open at once; more are closed as they arrive (at most the "
                 "open-file limit less 128)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--handshake-timeout-seconds", handshake_seconds_,
                 "Close a connection that has not completed its TLS handshake by then")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 600.0));
  app.add_option("--listener-probe-seconds", listener_probe_seconds_,
                 "How often pscd checks over loopback that it still accepts connections; after "
                 "3 failures in a row it stops with exit status 3 for its supervisor to restart "
                 "it (0: never)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--write-rate", options_.limits.writes_per_second,
                 "Writes a second each identity may make, sustained (0: no limit); more are "
                 "refused RESOURCE_EXHAUSTED / RATE_LIMITED with a RetryInfo")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--write-burst", options_.limits.write_burst,
                 "Writes an idle identity may make at once")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e6));
  app.add_option("--max-expensive-calls", options_.limits.max_expensive_calls,
                 "Searches, reports and listings each identity may have running at once (0: no "
                 "limit)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  app.add_flag("--limit-admins", options_.limits.limit_admins,
               "Apply the per-identity limits to admins too (exempt by default)");
  app.add_option("--min-free-disk-mb", min_free_mb_,
                 "Refuse writes (UNAVAILABLE / STORAGE_FULL) while the data dir's disk has less "
                 "free space than this; they resume by themselves once it has more")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e7));
  app.add_option(
         "--cache-mb", cache_mb_,
         "RocksDB's memory: one block cache for records, indexes and the change log, "
         "with index and filter blocks and the memtables (up to a quarter) charged to "
         "it. pscd's resident memory is about this plus 100 MB (docs/operations.md: Memory)")
      ->capture_default_str()
      ->check(CLI::Range(8, 1 << 20));
  app.add_option("--backup-dir", options_.backup.dir,
                 "Directory of online backups (CreateBackup, --backup-interval-hours); on "
                 "another disk than --data-dir in production (empty: no backups)");
  app.add_option("--backup-interval-hours", backup_hours_,
                 "Take a backup this often, and at start when the newest is older (0: only when "
                 "an admin asks); needs --backup-dir")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 24.0 * 365));
  app.add_option("--backup-keep", options_.backup.keep,
                 "After each backup, keep only the newest this many (0: keep all)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 100000u));
  app.add_flag("--no-reflection", no_reflection_,
               "Do not serve gRPC server reflection (recommended in production)");
  app.add_flag("--unsafe-no-fsync", no_fsync_,
               "Acknowledge writes before they reach the disk. For tests and benchmarks only: "
               "a crash can lose acknowledged writes");
  app.footer(
      "mTLS by default: give --tls-cert, --tls-key, --client-ca and --principals "
      "(certs/make-dev-certs "
      "mints a development set).\nSIGHUP rereads the principals file (a bad file is rejected and "
      "the "
      "old one kept).\nSIGINT or SIGTERM stop cleanly: in-flight calls finish, the store is "
      "flushed.");
}

ServerOptions DaemonFlags::server_options() const {
  ServerOptions options = options_;
  options.metrics_listen_is_default = metrics_listen_ == nullptr || metrics_listen_->count() == 0;
  options.sync = !no_fsync_;
  options.retention.max_age = absl::Seconds(retention_days_ * 86400);
  options.retention.interval = absl::Seconds(trim_seconds_);
  options.backup.interval = absl::Seconds(backup_hours_ * 3600);
  options.retention.request_id_ttl = absl::Seconds(request_id_hours_ * 3600);
  options.watch.progress_interval = absl::Seconds(progress_seconds_);
  options.handshake_timeout = absl::Seconds(handshake_seconds_);
  options.reflection = !no_reflection_;
  options.log_calls = log_calls_ == "none"     ? service::CallLogLevel::kNone
                      : log_calls_ == "errors" ? service::CallLogLevel::kErrors
                                               : service::CallLogLevel::kAll;
  options.min_free_bytes = static_cast<uint64_t>(min_free_mb_ * (1 << 20));
  options.cache_bytes = static_cast<uint64_t>(cache_mb_) << 20;
  if (absl::StartsWith(store_, "etcd:")) {
    options.etcd.etcd.endpoints = absl::StrSplit(store_.substr(5), ',');
  }
  options.etcd.max_request_bytes = static_cast<uint64_t>(etcd_max_request_mb_ * (1 << 20));
  options.etcd.start_timeout = absl::Seconds(etcd_start_seconds_);
  options.etcd_lost_after = absl::Seconds(etcd_lost_seconds_);
  return options;
}

}  // namespace psc::daemon
