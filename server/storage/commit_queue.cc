#include "server/storage/commit_queue.h"

#include "absl/strings/str_cat.h"
#include "server/common/catch_exceptions.h"
#include "server/common/errors.h"

namespace psc::storage {

CommitQueue::~CommitQueue() { StopAndJoin(); }

void CommitQueue::StartThread() {
  thread_ = std::thread([this] { Run(); });
}

void CommitQueue::StopAndJoin() {
  Shutdown();
  if (thread_.joinable()) thread_.join();
}

void CommitQueue::Enqueue(Mutation mutation, CommitCallback done) {
  absl::Status refused;
  {
    MutexLock lock(&mu_);
    if (stopping_) {
      refused = absl::UnavailableError("the store is shutting down");
    } else if (queue_.size() >= max_queued_) {
      refused = RetryLater(
          absl::StatusCode::kUnavailable, "STORE_BUSY",
          absl::StrCat("the store has ", queue_.size(), " writes waiting; retry shortly"),
          absl::Milliseconds(100));
    } else {
      queue_.push_back(PendingCommit{std::move(mutation), std::move(done)});
      cv_.Signal();
      return;
    }
  }
  std::move(done)(std::move(refused));
}

void CommitQueue::Shutdown() {
  MutexLock lock(&mu_);
  stopping_ = true;
  cv_.Signal();
}

size_t CommitQueue::queued() const {
  MutexLock lock(&mu_);
  return queue_.size();
}

void CommitQueue::Run() {
  while (true) {
    std::deque<PendingCommit> group;
    {
      MutexLock lock(&mu_);
      while (!stopping_ && queue_.empty()) cv_.Wait(&mu_);
      if (queue_.empty()) return;  // stopping, and everything queued has been committed
      size_t n = std::min(queue_.size(), static_cast<size_t>(max_group_size_));
      for (size_t i = 0; i < n; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (absl::Status allowed = ReadyToWrite(); allowed.ok()) {
      CommitGroup(group);
    } else {
      for (PendingCommit& p : group) p.result = allowed;  // fail fast: the store is not asked
    }
    for (PendingCommit& p : group) {
      (void)CatchExceptions("a commit callback", [&p] {
        std::move(p.done)(std::move(p.result));
        return absl::OkStatus();
      });
    }
  }
}

}  // namespace psc::storage
