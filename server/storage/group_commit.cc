#include "server/storage/group_commit.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/catch_exceptions.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/storage/batch_write_txn.h"
#include "server/storage/keys.h"
#include "server/storage/memory_budget.h"

namespace psc::storage {

GroupCommitter::GroupCommitter(const DbHandles* handles, const StoreOptions& options,
                               uint64_t last_sequence)
    : CommitQueue(options.max_queued, options.max_group_size),
      handles_(handles),
      options_(options),
      last_sequence_(last_sequence) {
  StartThread();
}

GroupCommitter::~GroupCommitter() { StopAndJoin(); }

void GroupCommitter::SetCommitListener(std::function<void(uint64_t)> listener) {
  MutexLock lock(&listener_mu_);
  listener_ = std::move(listener);
}

absl::Status GroupCommitter::WritesAllowed() const {
  if (handles_->read_only) {
    return RetryLater(absl::StatusCode::kUnavailable, "STORAGE_FULL",
                      "the registry's disk was full when the server started: writes are refused "
                      "until it restarts with space free; reads go on",
                      absl::Seconds(30));
  }
  // After a failed write RocksDB is in its error state: no write goes to it until it resumes
  // (TryResume), which it can only after a full disk. The free-space reserve keeps a full disk
  // from getting that far; a reserve of 0, or a disk filled faster than it, does.
  if (write_failed_) {
    if (write_failed_for_space_) return StorageFull();
    return Error(absl::StatusCode::kUnavailable, "STORAGE_ERROR",
                 "a write to the registry's storage failed; writes are refused until the "
                 "server restarts; reads go on");
  }
  if (FreeBytes(options_.path) < options_.min_free_bytes) return StorageFull();
  return absl::OkStatus();
}

void GroupCommitter::TryResume() {
  if (FreeBytes(options_.path) < ResumeFreeBytes(options_)) return;
  const absl::Time now = absl::Now();
  if (now - last_failed_resume_ < absl::Seconds(1)) return;
  const rocksdb::Status resumed = handles_->db->Resume();
  if (!resumed.ok()) {
    last_failed_resume_ = now;
    LogWarning("storage: RocksDB could not resume yet: " + resumed.ToString());
    return;
  }
  write_failed_ = false;
  write_failed_for_space_ = false;
  LogInfo("storage: RocksDB resumed after the disk filled");
}

absl::Status GroupCommitter::ReadyToWrite() {
  if (write_failed_for_space_) TryResume();
  absl::Status allowed = WritesAllowed();
  const bool full = ErrorReason(allowed) == "STORAGE_FULL";
  if (full != storage_full_) {
    storage_full_ = full;
    if (!full) {
      LogInfo("storage: space is free again; writes resumed");
    } else if (!write_failed_for_space_) {  // a failed write has said so already
      LogError(absl::StrCat("storage: the data dir's disk has less than ",
                            options_.min_free_bytes >> 20,
                            " MiB free: writes are refused (STORAGE_FULL) until space is freed"));
    }
  }
  return allowed;
}

void GroupCommitter::CommitGroup(std::deque<PendingCommit>& group) {
  const absl::Time start = absl::Now();
  rocksdb::WriteBatchWithIndex batch(/*cmp=*/nullptr, /*reserved_bytes=*/0,
                                     /*overwrite_key=*/true);
  const uint64_t first = last_sequence();
  uint64_t sequence = first;
  bool dirty = false;
  for (PendingCommit& p : group) {
    batch.SetSavePoint();
    BatchWriteTxn txn(handles_, &batch, sequence + 1);
    absl::Status status = CatchExceptions("a mutation", [&] { return p.mutation(txn); });
    if (status.ok() && txn.wrote_logged() && txn.changes().empty()) {
      status = absl::InternalError("mutation wrote without a change-log entry");
    }
    if (!status.ok()) {
      batch.RollbackToSavePoint();
      p.result = status;
      continue;
    }
    batch.PopSavePoint();
    if (txn.wrote_any()) dirty = true;
    if (txn.changes().empty()) continue;  // nothing logged: no sequence taken
    for (const std::string& change : txn.changes()) {
      batch.Put(handles_->cf(Family::kChangeLog), ChangeLogKey(++sequence), change);
    }
    p.result = sequence;  // the mutation's last sequence
  }
  if (!dirty && sequence == first) return;
  if (sequence != first) {
    batch.Put(handles_->cf(Family::kMeta), kLastSequenceKey,
              KeyBuilder().AddUint64(sequence).key());
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  const absl::Time applied = absl::Now();
  rocksdb::Status s = handles_->db->Write(wo, batch.GetWriteBatch());
  const absl::Time written = absl::Now();
  if (!s.ok()) {
    absl::Status error = FromRocks(s);
    write_failed_for_space_ = ErrorReason(error) == "STORAGE_FULL";
    write_failed_ = true;
    LogError(absl::StrCat(
        "storage: a write failed; writes are refused ",
        write_failed_for_space_ ? "(STORAGE_FULL) until space is freed" : "until pscd restarts",
        ": ", s.ToString()));
    for (PendingCommit& p : group) {
      if (p.result.ok()) p.result = error;
    }
    return;
  }
  last_sequence_.store(sequence, std::memory_order_release);
  if (options_.commit_observer) {
    options_.commit_observer(
        {.group_size = group.size(), .apply = applied - start, .write = written - applied});
  }
  if (sequence != first) {
    MutexLock lock(&listener_mu_);
    if (listener_) {
      (void)CatchExceptions("the commit listener", [this, sequence] {
        listener_mu_.AssertHeld();  // held by this scope; the analysis does not see into lambdas
        listener_(sequence);
        return absl::OkStatus();
      });
    }
  }
}

}  // namespace psc::storage
