#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/common/mutex.h"
#include "server/common/stoppable_thread.h"
#include "server/storage/store.h"

namespace psc::registry {

struct RetentionOptions {
  absl::Duration max_age = absl::Hours(24 * 30);  // keep changes at least this young
  uint64_t max_count = 0;                         // and at most this many (0: no limit)
  absl::Duration interval = absl::Seconds(60);    // how often to trim
  // How long a Create's request_id is remembered: a retry within it returns the original
  // result; after it, the same request_id creates anew.
  absl::Duration request_id_ttl = absl::Hours(24);
  // The last sequence every reader inside pscd (the search index) has applied: nothing after
  // it is trimmed, whatever the limits above say, so a reader that falls behind a short log
  // catches up from it instead of rebuilding from scratch. None when unset.
  std::function<uint64_t()> applied_by_readers;
  // Where the ages above are measured from (the rounds' interval is real time). Outlives the
  // trimmer.
  const Clock* clock = Clock::Real();
};

// Keeps the store's bookkeeping bounded, in the background: trims the change log by age and
// count (and each resource's history with it: history never outlives the log), and forgets
// request ids older than their time to live. Each round does a bounded amount of work; the
// next continues. Trimming runs beside the group committer, never through it, so writes are
// not delayed.
class ChangeLogTrimmer {
 public:
  ChangeLogTrimmer(storage::Store* store, RetentionOptions options);

  // One round, now: trims, expires request ids; returns the oldest retained sequence. For
  // tests and the thread; one round at a time.
  absl::StatusOr<uint64_t> TrimOnce();

 private:
  void Run(StoppableThread& self);
  // The history keys of the changes in [first, end).
  absl::StatusOr<std::vector<std::string>> HistoryKeys(uint64_t first, uint64_t end) const;
  // Deletes up to a round's worth of expired request-id records, resuming where the last
  // round stopped.
  absl::Status ExpireRequestIds() ABSL_EXCLUSIVE_LOCKS_REQUIRED(round_mu_);

  storage::Store* store_;
  const RetentionOptions options_;
  Mutex round_mu_;                                         // one round at a time
  std::string request_cursor_ ABSL_GUARDED_BY(round_mu_);  // where request expiry resumes
  StoppableThread thread_;                                 // last: it uses the members above
};

}  // namespace psc::registry
