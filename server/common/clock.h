#pragma once
// The time, from a clock that tests can replace: components whose behaviour depends on how much
// time has passed (a token bucket's refill, retention's cut-off) take a Clock instead of calling
// absl::Now(), so their tests set the time rather than wait for it.

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/common/mutex.h"

namespace psc {

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // The real clock (absl::Now()); lives for the whole program.
  static const Clock* Real();
};

// A clock that moves only when told to; for tests. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(absl::Time start = absl::Now()) : now_(start) {}

  absl::Time Now() const override {
    MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    MutexLock lock(&mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

inline const Clock* Clock::Real() {
  class RealClock final : public Clock {
   public:
    absl::Time Now() const override { return absl::Now(); }
  };
  static const RealClock* clock = new RealClock;
  return clock;
}

}  // namespace psc
