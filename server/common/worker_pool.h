#pragma once
// A fixed set of threads for work that may block or scan (searches that wait for the index,
// reports, the expert finder), so that it never holds a gRPC callback thread, with a bounded
// queue so that a burst is refused rather than queued without limit.

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "server/common/catch_exceptions.h"
#include "server/common/mutex.h"

namespace psc {

// Thread-safe. The destructor runs the tasks already accepted, then joins the threads.
class WorkerPool {
 public:
  WorkerPool(int threads, size_t max_queued) : max_queued_(max_queued) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~WorkerPool() {
    {
      MutexLock lock(&mu_);
      stop_ = true;
      cv_.SignalAll();
    }
    for (std::thread& t : threads_) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false (and `task` dropped) when max_queued tasks already wait.
  bool TrySubmit(std::function<void()> task) {
    MutexLock lock(&mu_);
    if (stop_ || tasks_.size() >= max_queued_) return false;
    tasks_.push_back(std::move(task));
    cv_.Signal();
    return true;
  }

 private:
  void Run() {
    while (true) {
      std::function<void()> task;
      {
        MutexLock lock(&mu_);
        while (!stop_ && tasks_.empty()) cv_.Wait(&mu_);
        if (tasks_.empty()) return;  // stopping, and nothing left
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      (void)CatchExceptions("a pooled task", [&task] {
        task();
        return absl::OkStatus();
      });
    }
  }

  const size_t max_queued_;
  Mutex mu_;
  CondVar cv_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;  // last: they start after the members they use
};

}  // namespace psc
