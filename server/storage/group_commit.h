#pragma once

// Storage-internal: the group committer. One thread takes every queued mutation, runs each
// against a shared indexed batch, writes the batch with one (synced) RocksDB write, and then
// completes the waiting callers. Sequences are assigned in commit order, without gaps.

#include <atomic>
#include <deque>
#include <thread>

#include "rocksdb/utilities/write_batch_with_index.h"
#include "server/common/mutex.h"
#include "server/storage/db_handles.h"
#include "server/storage/store.h"

namespace psc::storage {

// The WriteTxn of one mutation: reads through the group's indexed batch to the database, writes
// into the batch.
class BatchWriteTxn final : public WriteTxn {
 public:
  BatchWriteTxn(const DbHandles* handles, rocksdb::WriteBatchWithIndex* batch,
                uint64_t first_sequence)
      : WriteTxn(first_sequence), handles_(handles), batch_(batch) {}

  absl::StatusOr<std::optional<std::string>> Get(Family family, absl::string_view key) override;
  absl::Status Scan(
      Family family, absl::string_view prefix,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) override;

 protected:
  void DoPut(Family family, absl::string_view key, absl::string_view value) override;
  void DoDelete(Family family, absl::string_view key) override;

 private:
  const DbHandles* handles_;
  rocksdb::WriteBatchWithIndex* batch_;
};

class GroupCommitter {
 public:
  GroupCommitter(const DbHandles* handles, const StoreOptions& options, uint64_t last_sequence);
  ~GroupCommitter();  // Shutdown() and join

  void Enqueue(Mutation mutation, CommitCallback done);
  void Shutdown();
  uint64_t last_sequence() const { return last_sequence_.load(std::memory_order_acquire); }
  // Mutations waiting for the committer.
  size_t queued() const;
  // Store::SetCommitListener's contract.
  void SetCommitListener(std::function<void(uint64_t)> listener);
  // Whether a write has failed since the store opened (RocksDB may then be in its error state).
  bool write_failed() const { return write_failed_.load(); }
  // Why nothing may be written now (STORAGE_FULL, STORAGE_ERROR), or OK. Thread-safe: writes
  // outside the committer (the change-log trim) ask it too.
  absl::Status WritesAllowed() const;

 private:
  struct Pending {
    Mutation mutation;
    CommitCallback done;
    absl::StatusOr<uint64_t> result = uint64_t{0};
  };

  void Run();
  void CommitGroup(std::deque<Pending>& group);
  // WritesAllowed(), logging each change between full and not.
  absl::Status ReadyToWrite();

  const DbHandles* handles_;
  const StoreOptions options_;
  std::atomic<uint64_t> last_sequence_;
  std::atomic<bool> write_failed_{false};
  bool storage_full_ = false;  // the committer thread's: low on space at the last check

  Mutex listener_mu_;  // held while the listener runs, so replacing it waits for the call
  std::function<void(uint64_t)> listener_ ABSL_GUARDED_BY(listener_mu_);

  mutable Mutex mu_;
  CondVar cv_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace psc::storage
