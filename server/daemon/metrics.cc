#include "server/daemon/metrics.h"

#include <dirent.h>
#include <httplib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "prometheus/collectable.h"
#include "prometheus/histogram.h"
#include "prometheus/text_serializer.h"
#include "server/common/mutex.h"
#include "server/daemon/build_info.h"

namespace psc::daemon {
namespace {

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type,
                                double value,
                                std::vector<prometheus::ClientMetric::Label> labels = {}) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return {std::move(name), std::move(help), type, {std::move(metric)}};
}

prometheus::MetricFamily Gauge(std::string name, std::string help, double value) {
  return Family(std::move(name), std::move(help), prometheus::MetricType::Gauge, value);
}

// The standard process metrics, from /proc/self (as the official clients export them).
void AddProcessMetrics(std::vector<prometheus::MetricFamily>& out) {
  std::ifstream in("/proc/self/stat");
  const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces), from field 3 (state) on.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return;
  const std::vector<std::string> f = absl::StrSplit(stat.substr(close + 2), ' ', absl::SkipEmpty());
  if (f.size() < 22) return;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // f[i] is field i + 3: utime 14, stime 15, starttime 22, vsize 23, rss 24.
  const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  double boot_time = 0;
  std::ifstream proc_stat("/proc/stat");
  for (std::string line; std::getline(proc_stat, line);) {
    if (line.rfind("btime ", 0) == 0) boot_time = std::stod(line.substr(6));
  }
  out.push_back(Family("process_cpu_seconds_total", "User and system CPU time spent, in seconds",
                       prometheus::MetricType::Counter, cpu));
  out.push_back(Gauge("process_start_time_seconds", "Start time since the Unix epoch, in seconds",
                      boot_time + std::stod(f[19]) / ticks));
  out.push_back(Gauge("process_virtual_memory_bytes", "Virtual memory size", std::stod(f[20])));
  out.push_back(
      Gauge("process_resident_memory_bytes", "Resident memory size", std::stod(f[21]) * page));
  int fds = 0;
  if (DIR* dir = opendir("/proc/self/fd"); dir != nullptr) {
    while (readdir(dir) != nullptr) ++fds;
    closedir(dir);
    fds -= 3;  // ".", ".." and the directory's own descriptor
  }
  out.push_back(Gauge("process_open_fds", "Open file descriptors", fds));
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  out.push_back(Gauge("process_max_fds", "The open file descriptor limit",
                      static_cast<double>(limit.rlim_cur)));
}

}  // namespace

// The gauges read at scrape time from the running server.
class Metrics::StateCollector final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    out.push_back(Family("psc_build_info", "What pscd was built from (always 1)",
                         prometheus::MetricType::Gauge, 1,
                         {{"version", BuildVersion()}, {"commit", BuildCommit()}}));
    AddProcessMetrics(out);
    MutexLock lock(&mu_);
    if (!sources_) return out;
    const storage::StoreStats store = sources_->store_stats();
    const double last = static_cast<double>(sources_->last_sequence());
    const double indexed = static_cast<double>(sources_->index_sequence());
    out.push_back(Gauge("psc_commit_queue_depth", "Mutations waiting for the committer",
                        static_cast<double>(store.queued)));
    out.push_back(Gauge("psc_change_log_first_sequence", "The oldest retained change",
                        static_cast<double>(sources_->first_sequence())));
    out.push_back(Gauge("psc_change_log_last_sequence", "The newest change", last));
    out.push_back(
        Gauge("psc_index_applied_sequence", "The last change the search index holds", indexed));
    out.push_back(Gauge("psc_index_lag", "Changes committed but not yet searchable",
                        last > indexed ? last - indexed : 0));
    out.push_back(Gauge("psc_watches_open", "Open change-feed watches",
                        static_cast<double>(sources_->open_watches())));
    out.push_back(Gauge("psc_rocksdb_live_data_bytes", "RocksDB's estimate of its live data",
                        static_cast<double>(store.live_data_bytes)));
    out.push_back(Gauge("psc_rocksdb_memtable_bytes", "RocksDB's memtables, flushed or not",
                        static_cast<double>(store.memtable_bytes)));
    out.push_back(Gauge("psc_rocksdb_pending_compaction_bytes",
                        "RocksDB's estimate of the bytes compaction must rewrite",
                        static_cast<double>(store.pending_compaction_bytes)));
    out.push_back(Gauge("psc_data_dir_free_bytes", "Free space on the data dir's filesystem",
                        static_cast<double>(store.free_disk_bytes)));
    out.push_back(Gauge("psc_rocksdb_cache_bytes",
                        "RocksDB's block cache in use, memtables included (at most --cache-mb)",
                        static_cast<double>(store.cache_bytes)));
    if (store.replication) {
      const storage::ReplicationStats& r = *store.replication;
      out.push_back(
          Gauge("psc_etcd_reachable", "1 when etcd answered the last probe", r.reachable ? 1 : 0));
      out.push_back(Gauge("psc_etcd_mirror_age_seconds",
                          "Since the local mirror last held etcd's latest commit (how stale "
                          "reads on this replica may be)",
                          r.mirror_age_seconds));
      out.push_back(Gauge("psc_etcd_mirror_revision", "The etcd revision the mirror has applied",
                          static_cast<double>(r.revision)));
      out.push_back(Family("psc_etcd_mirror_resyncs_total",
                           "Full reloads of the mirror (etcd compacted past it, or another "
                           "cluster)",
                           prometheus::MetricType::Counter, static_cast<double>(r.resyncs)));
      out.push_back(Gauge("psc_etcd_db_size_bytes",
                          "etcd's database size, what its --quota-backend-bytes limits",
                          static_cast<double>(r.cluster_db_bytes)));
      out.push_back(Gauge("psc_etcd_nospace_alarm", "1 while etcd's NOSPACE alarm is raised",
                          r.cluster_out_of_space ? 1 : 0));
    }
    if (sources_->connections) {
      const ConnectionCounts c = sources_->connections();
      out.push_back(Gauge("psc_connections_open", "Accepted client connections not yet closed",
                          static_cast<double>(c.open)));
      out.push_back(Family("psc_connections_accepted_total", "Client connections accepted",
                           prometheus::MetricType::Counter, static_cast<double>(c.accepted)));
      out.push_back(Family("psc_connections_refused_total",
                           "Client connections closed at once: at the connection cap with none "
                           "to shed, or out of descriptors",
                           prometheus::MetricType::Counter, static_cast<double>(c.refused)));
      out.push_back(Family("psc_connections_shed_total",
                           "Connections that had not started TLS, shut down at the cap to admit "
                           "a new one",
                           prometheus::MetricType::Counter, static_cast<double>(c.shed)));
    }
    if (sources_->certificate_not_after) {
      out.push_back(
          Gauge("psc_tls_certificate_expiry_timestamp_seconds",
                "When the server's certificate (--tls-cert) expires",
                absl::ToDoubleSeconds(*sources_->certificate_not_after - absl::UnixEpoch())));
    }
    if (sources_->latest_backup) {
      if (std::optional<absl::Time> latest = sources_->latest_backup()) {
        out.push_back(Gauge("psc_backup_latest_timestamp_seconds",
                            "When the newest backup in --backup-dir was taken",
                            absl::ToDoubleSeconds(*latest - absl::UnixEpoch())));
      }
    }
    return out;
  }

  void SetSources(std::optional<MetricSources> sources) {
    MutexLock lock(&mu_);  // waits for a scrape in progress
    sources_ = std::move(sources);
  }

 private:
  mutable Mutex mu_;
  std::optional<MetricSources> sources_ ABSL_GUARDED_BY(mu_);
};

namespace {

prometheus::Histogram& Histogram(prometheus::Registry& registry, const std::string& name,
                                 const std::string& help,
                                 prometheus::Histogram::BucketBoundaries buckets) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry).Add({}, buckets);
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      calls_(*registry_),
      group_size_(Histogram(*registry_, "psc_commit_group_size", "Mutations per group commit",
                            {1, 2, 4, 8, 16, 32, 64, 128, 256, 512})),
      commit_seconds_(Histogram(
          *registry_, "psc_commit_seconds", "A group commit, from taking the group to durable",
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1})),
      write_seconds_(Histogram(
          *registry_, "psc_commit_write_seconds",
          "A group commit's RocksDB write: the WAL append and its fsync",
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1})),
      state_(std::make_shared<StateCollector>()) {}

Metrics::~Metrics() { StopServing(); }

std::function<void(const storage::CommitStats&)> Metrics::CommitObserver() {
  return [this](const storage::CommitStats& commit) {
    group_size_.Observe(static_cast<double>(commit.group_size));
    commit_seconds_.Observe(absl::ToDoubleSeconds(commit.apply + commit.write));
    write_seconds_.Observe(absl::ToDoubleSeconds(commit.write));
  };
}

absl::Status Metrics::Serve(const std::string& listen, MetricSources sources) {
  state_->SetSources(std::move(sources));
  const size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const int wanted = std::stoi(listen.substr(colon + 1));
  http_ = std::make_unique<httplib::Server>();
  // One scrape at a time is plenty; a slow or idle scraper is dropped after 5 s.
  http_->new_task_queue = [] { return new httplib::ThreadPool(1); };
  http_->set_read_timeout(5, 0);
  http_->set_write_timeout(5, 0);
  http_->set_payload_max_length(4096);
  // SO_REUSEADDR only: httplib's default SO_REUSEPORT would let a second pscd share the port
  // and answer half the scrapes with another registry's figures.
  http_->set_socket_options([](int socket) {
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(Text(), "text/plain; version=0.0.4; charset=utf-8");
  });
  int bound = -1;
  if (wanted == 0) {
    bound = http_->bind_to_any_port(host);
  } else if (http_->bind_to_port(host, wanted)) {
    bound = wanted;
  }
  if (bound <= 0) {
    http_.reset();
    return absl::UnavailableError(
        absl::StrCat("--metrics-listen: cannot serve metrics on ", listen));
  }
  port_ = bound;
  http_thread_ = std::thread([this, server = http_.get()] {
    server->listen_after_bind();
    listen_returned_ = true;
  });
  // httplib's stop() does nothing until the listening loop has started, which would then
  // listen for ever: serving starts before Serve returns, so StopServing always ends it.
  while (!http_->is_running() && !listen_returned_) absl::SleepFor(absl::Microseconds(100));
  return absl::OkStatus();
}

void Metrics::StopServing() {
  state_->SetSources(std::nullopt);
  if (http_ != nullptr) {
    http_->stop();
    http_thread_.join();
    http_.reset();
  }
}

std::string Metrics::Text() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (auto& family : state_->Collect()) families.push_back(std::move(family));
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace psc::daemon
