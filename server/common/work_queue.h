#pragma once
// A thread that runs tasks in the order they are posted, for work that must leave a thread
// which may not block (e.g. the store's committer).

#include <deque>
#include <functional>
#include <thread>

#include "server/common/catch_exceptions.h"
#include "server/common/mutex.h"

namespace psc {

// Thread-safe. The destructor runs the tasks already posted, then joins the thread.
class WorkQueue {
 public:
  WorkQueue() : thread_([this] { Run(); }) {}
  ~WorkQueue() {
    {
      MutexLock lock(&mu_);
      stop_ = true;
      cv_.Signal();
    }
    thread_.join();
  }
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Tasks posted and not yet finished.
  size_t pending() const {
    MutexLock lock(&mu_);
    return tasks_.size() + (running_ ? 1 : 0);
  }

  void Post(std::function<void()> task) {
    MutexLock lock(&mu_);
    tasks_.push_back(std::move(task));
    cv_.Signal();
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
        running_ = true;
      }
      (void)CatchExceptions("a queued task", [&task] {
        task();
        return absl::OkStatus();
      });
      MutexLock lock(&mu_);
      running_ = false;
    }
  }

  mutable Mutex mu_;
  CondVar cv_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace psc
