#pragma once
// A background thread that waits only through its own WaitUntil/WaitFor, so that stopping it
// wakes it at once: retention's rounds, the backup schedule, the listener probe.

#include <functional>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/common/mutex.h"

namespace psc {

// Thread-safe. Declare it after every member its body uses: destroying it stops and joins the
// thread first.
class StoppableThread {
 public:
  // Runs `body(*this)` on a thread of its own, now.
  explicit StoppableThread(std::function<void(StoppableThread&)> body)
      : thread_([this, body = std::move(body)] { body(*this); }) {}
  ~StoppableThread() {
    Stop();
    thread_.join();
  }
  StoppableThread(const StoppableThread&) = delete;
  StoppableThread& operator=(const StoppableThread&) = delete;

  // Asks the body to end: every wait, now or later, returns false at once. Idempotent.
  void Stop() {
    MutexLock lock(&mu_);
    stopping_ = true;
    wake_.SignalAll();
  }

  // Waits until `deadline` unless stopped first; whether the body should go on.
  bool WaitUntil(absl::Time deadline) {
    MutexLock lock(&mu_);
    while (!stopping_ && absl::Now() < deadline) wake_.WaitWithDeadline(&mu_, deadline);
    return !stopping_;
  }
  bool WaitFor(absl::Duration d) { return WaitUntil(absl::Now() + d); }

 private:
  Mutex mu_;
  CondVar wake_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: it starts once the members above exist
};

}  // namespace psc
