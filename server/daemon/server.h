#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"
#include "server/auth/authenticator.h"
#include "server/common/notification.h"
#include "server/common/stoppable_thread.h"
#include "server/daemon/health_server.h"
#include "server/daemon/metrics.h"
#include "server/daemon/server_status.h"
#include "server/discovery/discovery.h"
#include "server/discovery/search_indexer.h"
#include "server/index/search_index.h"
#include "server/registry/backups/backup_service.h"
#include "server/registry/feed/change_log_trimmer.h"
#include "server/registry/records/registry.h"
#include "server/registry/report/report_follower.h"
#include "server/registry/workflows/workflows.h"
#include "server/service/calls/call_log.h"
#include "server/service/calls/refusal_audit.h"
#include "server/service/registry_service.h"
#include "server/service/transport/credentials.h"
#include "server/storage/etcd/etcd_store.h"
#include "server/storage/store.h"

namespace psc::daemon {

// The largest response pscd sends: what every default gRPC client accepts. Pages stop well
// below it (registry::kPageByteBudget).
inline constexpr int kMaxSendMessageBytes = 4 << 20;

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";  // host:port; port 0 picks a free one
  std::string data_dir = "var/data";       // the embedded store, or the etcd store's local mirror
  // The registry in an etcd cluster (--store etcd:URL...) when etcd.etcd.endpoints is set; its
  // `local` part is filled from the options here. Empty: the embedded RocksDB store.
  storage::EtcdStoreOptions etcd;
  // With etcd: NOT_SERVING on health once the mirror has not held etcd's latest commit for
  // this long (etcd unreachable, or the mirror stuck), so that a load balancer drains pscd.
  absl::Duration etcd_lost_after = absl::Seconds(30);
  bool sync = true;  // fsync each group commit
  // The file system of the embedded store; null: the machine's. For crash tests (a file system
  // that can lose power, storage/power_loss_fs.h).
  rocksdb::Env* storage_env = nullptr;
  service::TransportSecurity security;   // mTLS unless security.insecure
  std::string principals_file;           // required with mTLS
  service::WatchOptions watch;           // change-feed watches
  registry::RetentionOptions retention;  // how long the change log is kept
  // A connection that has not finished its TLS handshake by then is closed.
  absl::Duration handshake_timeout = absl::Seconds(5);
  bool reflection = true;                  // serve gRPC server reflection
  service::LimitOptions limits;            // per-identity write rate and expensive calls
  uint64_t min_free_bytes = 256ull << 20;  // refuse writes (STORAGE_FULL) below this free space
  uint64_t cache_bytes = 128ull << 20;     // RocksDB's block cache, memtables charged to it
  std::string metrics_listen;              // host:port of GET /metrics; empty: no metrics served
  // The default metrics_listen, not chosen: when its port is taken (a second pscd on the
  // machine), pscd serves without metrics and says so instead of refusing to start.
  bool metrics_listen_is_default = false;
  service::CallLogLevel log_calls =
      service::CallLogLevel::kAll;  // which calls get a line in the log
  registry::BackupOptions backup;   // online backups (none without a dir)
  std::string health_listen;        // host:port of a plaintext health-only server; empty: none
  // The accept guard's counts (pscd's main installs it), for the metrics; empty: none.
  std::function<ConnectionCounts()> connection_counts;
};

// Who may call: every caller an admin with --insecure (loopback only), else the principals
// file's identities. INVALID_ARGUMENT for bad settings: --insecure off loopback, no
// principals file, a principals or key file others may write, a principals file that does
// not parse.
absl::StatusOr<std::unique_ptr<auth::Authenticator>> MakeAuthenticator(
    const ServerOptions& options);

// pscd: the store, the registry and the gRPC server with the Registry and health services.
class Server {
 public:
  // Opens the store and starts serving. INVALID_ARGUMENT for bad security settings (missing
  // TLS files or principals, --insecure off loopback); FAILED_PRECONDITION when the data dir
  // is in use; UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);
  ~Server();

  // The address actually bound, e.g. "127.0.0.1:43817".
  const std::string& address() const { return address_; }
  int port() const { return port_; }
  // The port of GET /metrics (0 when options.metrics_listen is empty, or is the default and its
  // port was taken).
  int metrics_port() const { return metrics_->port(); }
  // The port of the plaintext health server (0 when options.health_listen is empty).
  int health_port() const { return health_ == nullptr ? 0 : health_->port(); }

  // Stops taking calls, lets in-flight calls finish (cancelling them after `grace`), commits
  // what is queued and closes the store. Idempotent.
  void Shutdown(absl::Duration grace);

  // Rereads the principals file; on error the old one stays in force and the error says why.
  // Open watches are re-evaluated at once: a removed identity's watch ends, a changed role's
  // continues under the new role.
  absl::Status ReloadPrincipals();

  // Blocks until Shutdown() has completed.
  void Wait();

 private:
  Server() = default;
  // Stops taking calls, waits up to `grace` for those under way, then closes every connection.
  void StopServing(absl::Duration grace);
  // The store_health_ thread's body.
  void WatchStoreHealth(StoppableThread& self, absl::Duration lost_after);

  // First, so that it outlives the store, whose committer feeds it.
  std::unique_ptr<daemon::Metrics> metrics_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<registry::ChangeFeed> feed_;
  std::unique_ptr<index::SearchIndex> search_index_;
  std::unique_ptr<registry::SearchIndexer> indexer_;
  std::unique_ptr<registry::ReportFollower> reports_;
  std::unique_ptr<registry::Discovery> discovery_;
  std::unique_ptr<registry::Workflows> workflows_;
  std::unique_ptr<registry::Measurements> measurements_;
  std::unique_ptr<registry::Backups> backups_;
  std::unique_ptr<service::WatchHub> hub_;
  std::unique_ptr<registry::ChangeLogTrimmer> trimmer_;
  std::unique_ptr<service::RefusalAudit> audit_;  // before the server: its interceptors use it
  std::unique_ptr<service::CallLog> call_log_;    // the same
  std::atomic<int64_t> calls_in_flight_{0};       // Registry calls under way (the same)
  std::unique_ptr<service::RegistryService> service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<daemon::HealthServer> health_;
  // With a replicated store: turns health NOT_SERVING while the store's data is too stale.
  std::unique_ptr<StoppableThread> store_health_;
  std::atomic<bool> serving_{true};  // what health reports for the Registry service
  std::string address_;
  int port_ = 0;
  std::once_flag shutdown_once_;
  Notification stopped_;
};

}  // namespace psc::daemon
