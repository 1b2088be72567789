#pragma once
// Per-identity limits, so that one client (a bug or a stolen certificate) cannot fill the disk
// or take every worker: a token bucket on writes and a cap on concurrent expensive calls
// (search, report, List and other scans). A refused call did nothing, so any client may retry
// it: RESOURCE_EXHAUSTED, reason RATE_LIMITED, with a RetryInfo saying when.

#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/common/caller.h"
#include "server/common/clock.h"
#include "server/common/mutex.h"
#include "server/common/token_bucket.h"

namespace psc::service {

struct LimitOptions {
  double writes_per_second = 50;  // per identity, sustained; 0: no write limit
  double write_burst = 500;       // writes an idle identity may make at once
  int max_expensive_calls = 4;    // per identity at once; 0: no cap
  bool limit_admins = false;      // admins (the national team's tools) are exempt by default
};

// How much a call costs its caller.
enum class Cost {
  kRead,       // a Get, a health check: never limited
  kWrite,      // any call that commits: takes a token
  kExpensive,  // a call that scans or searches: holds a slot until it finishes
};

// Thread-safe.
class CallLimits {
 public:
  // `clock` (the time buckets refill by) outlives the CallLimits.
  explicit CallLimits(LimitOptions options, const Clock* clock = Clock::Real())
      : options_(options), clock_(clock) {}

  // Held for as long as an expensive call runs (copies share it); empty for other calls.
  using Slot = std::shared_ptr<void>;

  // Admits a call of `cost` by `caller`, or RESOURCE_EXHAUSTED, reason RATE_LIMITED, with a
  // RetryInfo: the write bucket is empty, or the caller has max_expensive_calls running. A
  // write call takes `writes` tokens (a batch: one a record); it is admitted while at least one
  // is left, and the bucket may go below zero, so a batch waits no longer than a single write
  // but the caller's later writes wait for the refill.
  absl::StatusOr<Slot> Admit(const Caller& caller, Cost cost, int writes = 1);

  const LimitOptions& options() const { return options_; }

 private:
  struct Usage {
    std::optional<TokenBucket> writes;  // from the identity's first write on
    int expensive = 0;
  };
  void Release(const std::string& identity);

  const LimitOptions options_;
  const Clock* const clock_;
  Mutex mu_;
  // One entry per identity that has called: bounded by the principals file.
  absl::flat_hash_map<std::string, Usage> usage_ ABSL_GUARDED_BY(mu_);
};

}  // namespace psc::service
