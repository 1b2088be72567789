#pragma once

// Live change-feed watches: the WatchChanges reactor and the hub that wakes watches when
// changes commit and when progress is due.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "psc/registry/v1/registry_service.pb.h"
#include "server/common/caller.h"
#include "server/registry/feed/change_feed.h"

namespace psc::service {

struct WatchOptions {
  absl::Duration progress_interval = absl::Seconds(10);
  // Once caught up, a watch more than this many changes behind is ended (WATCHER_TOO_SLOW).
  uint64_t max_lag = 100000;
  // A watch whose client has not taken a message for this long is cancelled.
  absl::Duration stall_timeout = absl::Seconds(60);
  int max_per_identity = 8;
};

class Watch;

// Tracks open watches and wakes them: at once when changes commit, and on a timer for
// progress messages and stall checks. Thread-safe.
class WatchHub {
 public:
  WatchHub(const registry::ChangeFeed* feed, WatchOptions options);
  ~WatchHub();  // Shutdown()

  // A server-streaming reactor for one WatchChanges call.
  grpc::ServerWriteReactor<registry::v1::WatchChangesResponse>* Open(
      grpc::CallbackServerContext* context, const Caller& caller,
      const registry::v1::WatchChangesRequest& request);

  // Called by the store's committer: must not block.
  void OnCommit(uint64_t last_sequence);

  // Ends every watch (UNAVAILABLE) and stops the hub thread. Idempotent.
  void Shutdown();

  const registry::ChangeFeed& feed() const { return *feed_; }
  const WatchOptions& options() const { return options_; }
  void Remove(const std::shared_ptr<Watch>& watch);

 private:
  void Run();

  const registry::ChangeFeed* feed_;
  const WatchOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                                // guarded by mu_
  uint64_t notified_ = 0;                                // guarded by mu_
  absl::flat_hash_set<std::shared_ptr<Watch>> watches_;  // guarded by mu_
  absl::flat_hash_map<std::string, int> per_identity_;   // guarded by mu_
  std::thread thread_;
};

}  // namespace psc::service
