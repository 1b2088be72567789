#pragma once
// A one-shot event one thread announces and others wait for: absl::Notification built on
// psc::Mutex, so ThreadSanitizer sees the synchronization (server/common/mutex.h says why).

#include "server/common/mutex.h"

namespace psc {

// Thread-safe.
class Notification {
 public:
  // Wakes every waiter, now and later. Idempotent.
  void Notify() {
    MutexLock lock(&mu_);
    notified_ = true;
    cv_.SignalAll();
  }
  bool HasBeenNotified() const {
    MutexLock lock(&mu_);
    return notified_;
  }
  void WaitForNotification() const {
    MutexLock lock(&mu_);
    while (!notified_) cv_.Wait(&mu_);
  }

 private:
  mutable Mutex mu_;
  mutable CondVar cv_;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace psc
