#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "server/storage/read_view.h"
#include "server/storage/write_txn.h"

namespace psc::storage {

struct DbHandles;
class GroupCommitter;

struct StoreOptions {
  std::string path;  // the data directory; created when missing
  // fsync the WAL before a write is acknowledged. Turn off only in tests and benchmarks.
  bool sync = true;
  // The most mutations one group commit takes.
  int max_group_size = 512;
};

// A mutation runs on the committer thread, reads and writes through `txn`, and returns OK to
// commit or an error to roll back its own writes (others in the group are unaffected).
using Mutation = std::function<absl::Status(WriteTxn& txn)>;
// Called once, on the committer thread, after the group's write is durable: the (last) sequence
// the mutation committed under, 0 when it logged no change
// (wrote nothing, or metadata only), or the error. Must not block.
using CommitCallback = absl::AnyInvocable<void(absl::StatusOr<uint64_t>) &&>;

// The registry's embedded RocksDB store: records, secondary indexes, the change log and
// metadata in one database, with a group committer for writes. Thread-safe.
class Store {
 public:
  // Opens or creates the store at `options.path`. FAILED_PRECONDITION, reason-free, with a
  // clear message when another process holds the data directory; INTERNAL on other errors.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);

  // Drains queued mutations, stops the committer and closes the database.
  ~Store();

  // Queues `mutation`; `done` runs after it commits (durably, when sync is on) or fails.
  // After Shutdown(), `done` gets UNAVAILABLE at once.
  void Commit(Mutation mutation, CommitCallback done);

  // Commit() and wait: for tests and tools, never on a gRPC thread.
  absl::StatusOr<uint64_t> CommitAndWait(Mutation mutation);

  // A consistent snapshot for reads.
  std::unique_ptr<ReadView> Snapshot() const;

  // The last committed sequence.
  uint64_t last_sequence() const;

  // Called on the committer thread after each group that took sequences, with the last one.
  // Must be cheap and must not block (e.g. notify a condition variable). Set before writes
  // start; at most one listener.
  void SetCommitListener(std::function<void(uint64_t last_sequence)> listener);

  // Deletes change-log entries below `first_kept` and records `first_kept` as the oldest
  // retained sequence. Runs beside the committer, never through it, so it does not delay
  // writes. A no-op when `first_kept` is not above the current oldest.
  absl::Status TrimChangeLog(uint64_t first_kept);

  // The oldest retained change-log sequence (1 until anything is trimmed).
  uint64_t first_retained_sequence() const;

  // Commits what is queued, then refuses new mutations. Idempotent.
  void Shutdown();

 private:
  Store(std::unique_ptr<DbHandles> handles, const StoreOptions& options);

  std::unique_ptr<DbHandles> handles_;
  std::unique_ptr<GroupCommitter> committer_;
  std::mutex trim_mu_;  // one trim at a time
};

}  // namespace psc::storage
