#pragma once

// Storage-internal: the queue in front of a store's committer. One thread takes the queued
// mutations in groups and hands each group to the store's CommitGroup, which runs them,
// writes them together and sets each one's result; the queue then completes the callers.

#include <deque>
#include <thread>

#include "server/common/mutex.h"
#include "server/storage/store.h"

namespace psc::storage {

struct PendingCommit {
  Mutation mutation;
  CommitCallback done;
  absl::StatusOr<uint64_t> result = uint64_t{0};
};

class CommitQueue {
 public:
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;
  virtual ~CommitQueue();

  // Store::Commit's contract: UNAVAILABLE at once after Shutdown() or with max_queued waiting.
  void Enqueue(Mutation mutation, CommitCallback done);
  // Commits what is queued, then refuses new mutations. Idempotent.
  void Shutdown();
  // Mutations waiting for the committer.
  size_t queued() const;

 protected:
  CommitQueue(size_t max_queued, int max_group_size)
      : max_queued_(max_queued), max_group_size_(max_group_size) {}
  // Starts the committer thread: call last in the subclass's constructor.
  void StartThread();
  // Shuts down and joins the thread: call first in the subclass's destructor, so that the
  // thread never runs a group in a half-destroyed store.
  void StopAndJoin();

  // Why nothing may be written now (each mutation of the group then fails with it), or OK.
  virtual absl::Status ReadyToWrite() = 0;
  // Runs and writes `group` (in order) and sets each one's result. Called on the thread only.
  virtual void CommitGroup(std::deque<PendingCommit>& group) = 0;

 private:
  void Run();

  const size_t max_queued_;
  const int max_group_size_;
  mutable Mutex mu_;
  CondVar cv_;
  std::deque<PendingCommit> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace psc::storage
