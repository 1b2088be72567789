#pragma once
// A thread that runs tasks in the order they are posted, for work that must leave a thread
// which may not block (e.g. the store's committer).

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace psc {

// Thread-safe. The destructor runs the tasks already posted, then joins the thread.
class WorkQueue {
 public:
  WorkQueue() : thread_([this] { Run(); }) {}
  ~WorkQueue() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Tasks posted and not yet finished.
  size_t pending() const {
    std::lock_guard lock(mu_);
    return tasks_.size() + (running_ ? 1 : 0);
  }

  void Post(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and nothing left
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      running_ = true;
      lock.unlock();
      task();
      lock.lock();
      running_ = false;
    }
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stop_ = false;
  bool running_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace psc
