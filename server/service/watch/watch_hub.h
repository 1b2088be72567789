#pragma once

// Live change-feed watches: the hub that keeps the open watches (watch.h) and wakes them when
// changes commit and when progress is due, and the gRPC side of a WatchChanges call.

#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "psc/registry/v1/registry_service.pb.h"
#include "server/common/caller.h"
#include "server/common/mutex.h"
#include "server/registry/feed/change_feed.h"
#include "server/service/watch/watch.h"

namespace psc::service {

struct WatchOptions {
  absl::Duration progress_interval = absl::Seconds(10);
  // Once caught up, a watch more than this many changes behind is ended (WATCHER_TOO_SLOW).
  uint64_t max_lag = 100000;
  // A watch whose client has not taken a message for this long is cancelled.
  absl::Duration stall_timeout = absl::Seconds(60);
  int max_per_identity = 8;
};

// Tracks open watches and wakes them: at once when changes commit, and on a timer for
// progress messages and stall checks. Thread-safe.
class WatchHub {
 public:
  // `feed` must outlive the hub.
  WatchHub(const registry::ChangeFeed* feed, WatchOptions options);
  ~WatchHub();  // Shutdown()

  // A server-streaming reactor for one WatchChanges call.
  grpc::ServerWriteReactor<registry::v1::WatchChangesResponse>* Open(
      grpc::CallbackServerContext* context, const Caller& caller,
      const registry::v1::WatchChangesRequest& request);

  // Starts a watch that writes to `stream` (which must outlive it): checks the cursor and the
  // caller's quota (TOO_MANY_WATCHERS), registers it and sends what is due; a refused watch is
  // finished with the error at once. Open() uses it with the gRPC reactor; tests with a fake.
  std::shared_ptr<Watch> Start(WatchStream* stream, const Caller& caller,
                               const registry::v1::WatchChangesRequest& request);

  // Called by the store's committer: must not block.
  void OnCommit(uint64_t last_sequence);

  // After a principals reload: passes each open watch the caller `lookup` now gives its identity
  // and channel (Watch::Reauthorize; nullopt when the identity, or the gateway of a watch opened
  // through one, is no longer allowed), so revocation and role changes reach open streams at
  // once.
  using Lookup =
      std::function<std::optional<Caller>(const std::string& identity, const std::string& channel)>;
  void Reauthorize(const Lookup& lookup);

  // Ends every watch (UNAVAILABLE, naming the sequence to watch again from) and stops the hub
  // thread, waiting up to `grace` for them to finish; a watch whose client has stopped reading
  // cannot, and is cancelled. Returns how many were still open after `grace`. Idempotent.
  size_t Shutdown(absl::Duration grace = absl::Milliseconds(500));

  // The number of open watches.
  size_t size() const;

  const registry::ChangeFeed& feed() const { return *feed_; }
  const WatchOptions& options() const { return options_; }
  // Forgets a watch whose call is done.
  void Remove(const std::shared_ptr<Watch>& watch);

 private:
  void Start(const std::shared_ptr<Watch>& watch, const Caller& caller,
             const registry::v1::WatchChangesRequest& request);
  void Run();

  const registry::ChangeFeed* feed_;
  const WatchOptions options_;
  mutable Mutex mu_;
  CondVar wake_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t notified_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_set<std::shared_ptr<Watch>> watches_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int> per_identity_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace psc::service
