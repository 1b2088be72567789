#pragma once

#include <cstdint>
#include <thread>

#include "absl/time/time.h"
#include "server/common/mutex.h"
#include "server/storage/store.h"

namespace psc::registry {

struct RetentionOptions {
  absl::Duration max_age = absl::Hours(24 * 30);  // keep changes at least this young
  uint64_t max_count = 0;                         // and at most this many (0: no limit)
  absl::Duration interval = absl::Seconds(60);    // how often to trim
};

// Trims the change log in the background, by age and count. Trimming runs beside the group
// committer, never through it, so writes are not delayed.
class ChangeLogTrimmer {
 public:
  ChangeLogTrimmer(storage::Store* store, RetentionOptions options);
  ~ChangeLogTrimmer();  // stops the thread

  // Trims once, now; returns the oldest retained sequence. For tests and the thread.
  absl::StatusOr<uint64_t> TrimOnce();

 private:
  void Run();

  storage::Store* store_;
  const RetentionOptions options_;
  Mutex mu_;
  CondVar cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace psc::registry
