#pragma once

// Storage-internal: the RocksDB store's group committer. Its queue's thread takes the queued
// mutations, runs each against a shared indexed batch, writes the batch with one (synced)
// RocksDB write, and then completes the waiting callers. Sequences are assigned in commit
// order, without gaps.

#include <atomic>
#include <deque>

#include "absl/time/time.h"
#include "server/common/mutex.h"
#include "server/storage/commit_queue.h"
#include "server/storage/db_handles.h"
#include "server/storage/store.h"

namespace psc::storage {

class GroupCommitter final : public CommitQueue {
 public:
  GroupCommitter(const DbHandles* handles, const StoreOptions& options, uint64_t last_sequence);
  ~GroupCommitter() override;  // Shutdown() and join

  uint64_t last_sequence() const { return last_sequence_.load(std::memory_order_acquire); }
  // Store::SetCommitListener's contract.
  void SetCommitListener(std::function<void(uint64_t)> listener);
  // Whether the last write failed and RocksDB has not resumed since (it is then in its error
  // state).
  bool write_failed() const { return write_failed_.load(); }
  // Why nothing may be written now (STORAGE_FULL, STORAGE_ERROR), or OK. Thread-safe: writes
  // outside the committer (the change-log trim) ask it too.
  absl::Status WritesAllowed() const;

 private:
  void CommitGroup(std::deque<PendingCommit>& group) override;
  // WritesAllowed(), logging each change between full and not; after a write that failed for
  // want of space, first tries to resume RocksDB.
  absl::Status ReadyToWrite() override;
  // Once the disk has room for a flush again: DB::Resume() (which flushes the memtables to new
  // files and starts a new WAL; tried again at most once a second), then writes go on.
  void TryResume();

  const DbHandles* handles_;
  const StoreOptions options_;
  std::atomic<uint64_t> last_sequence_;
  std::atomic<bool> write_failed_{false};
  std::atomic<bool> write_failed_for_space_{false};  // ENOSPC: resumable once space returns
  bool storage_full_ = false;  // the committer thread's: low on space at the last check
  absl::Time last_failed_resume_ = absl::InfinitePast();  // the committer thread's

  Mutex listener_mu_;  // held while the listener runs, so replacing it waits for the call
  std::function<void(uint64_t)> listener_ ABSL_GUARDED_BY(listener_mu_);
};

}  // namespace psc::storage
