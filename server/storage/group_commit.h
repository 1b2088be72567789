#pragma once

// Storage-internal: the group committer. One thread takes every queued mutation, runs each
// against a shared indexed batch, writes the batch with one (synced) RocksDB write, and then
// completes the waiting callers. Sequences are assigned in commit order, without gaps.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "rocksdb/utilities/write_batch_with_index.h"
#include "server/storage/db_handles.h"
#include "server/storage/store.h"

namespace psc::storage {

// The indexed batch of one group, shared by the WriteTxns of its mutations.
class TxnBatch {
 public:
  explicit TxnBatch(const DbHandles* handles)
      : handles_(handles),
        batch_(/*cmp=*/nullptr,
               /*reserved_bytes=*/0, /*overwrite_key=*/true) {}

  const DbHandles* handles() const { return handles_; }
  rocksdb::WriteBatchWithIndex& batch() { return batch_; }

 private:
  const DbHandles* handles_;
  rocksdb::WriteBatchWithIndex batch_;
};

class GroupCommitter {
 public:
  GroupCommitter(const DbHandles* handles, const StoreOptions& options, uint64_t last_sequence);
  ~GroupCommitter();  // Shutdown() and join

  void Enqueue(Mutation mutation, CommitCallback done);
  void Shutdown();
  uint64_t last_sequence() const { return last_sequence_.load(std::memory_order_acquire); }
  void SetCommitListener(std::function<void(uint64_t)> listener) {
    listener_ = std::move(listener);
  }

 private:
  struct Pending {
    Mutation mutation;
    CommitCallback done;
    absl::StatusOr<uint64_t> result = uint64_t{0};
  };

  void Run();
  void CommitGroup(std::deque<Pending>& group);

  const DbHandles* handles_;
  const StoreOptions options_;
  std::atomic<uint64_t> last_sequence_;
  std::function<void(uint64_t)> listener_;  // set before writes start

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  std::thread thread_;
};

}  // namespace psc::storage
