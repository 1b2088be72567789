#pragma once
// pscd's Prometheus metrics, served over plain HTTP on their own address (--metrics-listen;
// loopback by default): prometheus-cpp's metrics and text format, served by cpp-httplib. Besides
// the call metrics (service/call_metrics.h):
//
//   psc_commit_group_size                  histogram  mutations per group commit
//   psc_commit_seconds                     histogram  a group commit, from taking the group to
//                                                     durable
//   psc_commit_write_seconds               histogram  its RocksDB write: WAL append and fsync
//                                                     (with etcd: the Txn and its mirroring)
//   psc_commit_queue_depth                 gauge      mutations waiting for the committer
//   psc_change_log_first_sequence          gauge      the oldest retained change
//   psc_change_log_last_sequence           gauge      the newest change
//   psc_index_applied_sequence             gauge      the last change the search index holds
//   psc_index_lag                          gauge      changes committed but not yet searchable
//   psc_watches_open                       gauge      open change-feed watches
//   psc_rocksdb_live_data_bytes            gauge      RocksDB's estimate of live data
//   psc_rocksdb_memtable_bytes             gauge      all memtables
//   psc_rocksdb_pending_compaction_bytes   gauge      RocksDB's estimate of compaction debt
//   psc_data_dir_free_bytes                gauge      free space on the data dir's filesystem
//   With --store etcd (docs/high-availability.md):
//   psc_etcd_reachable                     gauge      1 when etcd answered the last probe
//   psc_etcd_mirror_age_seconds            gauge      since the mirror last held etcd's latest
//                                                     commit: how stale reads here may be
//   psc_etcd_mirror_revision               gauge      the etcd revision the mirror applied
//   psc_etcd_mirror_resyncs_total          counter    full reloads of the mirror
//   psc_etcd_db_size_bytes                 gauge      etcd's database (its quota's measure)
//   psc_etcd_nospace_alarm                 gauge      1 while etcd's NOSPACE alarm is raised
//   psc_connections_open                   gauge      accepted client connections not yet closed
//   psc_connections_accepted_total         counter    client connections accepted
//   psc_connections_refused_total          counter    closed at once: at the cap with none to
//                                                     shed, or out of descriptors
//   psc_connections_shed_total             counter    connections that had not started TLS,
//                                                     shut down at the cap to admit a new one
//   psc_tls_certificate_expiry_timestamp_seconds  gauge  --tls-cert's notAfter (mTLS only)
//   psc_backup_latest_timestamp_seconds    gauge      when the newest backup was taken (only
//                                                     when --backup-dir holds one)
//   process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
//   process_open_fds, process_max_fds, process_start_time_seconds  (the standard process set)
//   psc_build_info{version,commit}         gauge      always 1

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "prometheus/registry.h"
#include "server/service/calls/call_metrics.h"
#include "server/storage/store.h"

namespace httplib {
class Server;
}

namespace psc::daemon {

// The client connections pscd's accept guard has seen (accept_guard.h), for the metrics.
struct ConnectionCounts {
  int64_t open = 0;
  int64_t accepted = 0;
  int64_t refused = 0;
  int64_t shed = 0;
};

// What the scrape-time gauges read. Each function must be thread-safe and cheap.
struct MetricSources {
  std::function<storage::StoreStats()> store_stats;
  std::function<uint64_t()> first_sequence;
  std::function<uint64_t()> last_sequence;
  std::function<uint64_t()> index_sequence;
  std::function<uint64_t()> open_watches;
  std::function<std::optional<absl::Time>()> latest_backup;  // may be empty
  std::optional<absl::Time> certificate_not_after;
  std::function<ConnectionCounts()> connections;  // empty without the accept guard
};

// Thread-safe.
class Metrics {
 public:
  Metrics();
  ~Metrics();  // stops serving first

  // For StoreOptions::commit_observer: feeds the commit histograms.
  std::function<void(const storage::CommitStats&)> CommitObserver();
  // For the call observer interceptor.
  service::CallObserver* calls() { return &calls_; }

  // Starts serving GET /metrics on `listen` (host:port; port 0 picks a free one), reading
  // `sources` at each scrape. UNAVAILABLE when the address cannot be bound. Call once.
  absl::Status Serve(const std::string& listen, MetricSources sources);
  // The port bound by Serve() (0 before).
  int port() const { return port_; }
  // Stops serving; afterwards `sources` are never called again. Idempotent.
  void StopServing();

  // The text a scrape would return now (for tests of the metrics themselves).
  std::string Text() const;

 private:
  class StateCollector;

  std::shared_ptr<prometheus::Registry> registry_;
  service::CallMetrics calls_;
  prometheus::Histogram& group_size_;
  prometheus::Histogram& commit_seconds_;
  prometheus::Histogram& write_seconds_;
  std::shared_ptr<StateCollector> state_;
  std::unique_ptr<httplib::Server> http_;  // GET /metrics (cpp-httplib)
  std::thread http_thread_;
  std::atomic<bool> listen_returned_ = false;  // http_thread_ is done listening
  int port_ = 0;
};

}  // namespace psc::daemon
