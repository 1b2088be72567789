#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/read_view.h"
#include "server/storage/write_txn.h"

namespace rocksdb {
class Env;
}

namespace psc::storage {

// What one group commit did (for metrics).
struct CommitStats {
  size_t group_size = 0;  // mutations taken from the queue together
  absl::Duration apply;   // running them into one batch
  absl::Duration write;   // the RocksDB write of the batch: the WAL append and its fsync
};

// A replicated store's view of its cluster (the etcd store's; absent for the embedded one).
struct ReplicationStats {
  bool reachable = false;             // etcd answered the last probe (once a second)
  double mirror_age_seconds = 0;      // since the mirror last held etcd's latest commit
  int64_t revision = 0;               // the etcd revision the mirror has applied
  uint64_t resyncs = 0;               // full reloads of the mirror since start
  int64_t cluster_db_bytes = 0;       // etcd's database size (its quota's measure), 0 unknown
  bool cluster_out_of_space = false;  // etcd's NOSPACE alarm is raised
};

// The store's state now (for metrics). RocksDB's figures are its own estimates.
struct StoreStats {
  uint64_t queued = 0;                    // mutations waiting for the committer
  uint64_t live_data_bytes = 0;           // estimate of the data that is not garbage
  uint64_t memtable_bytes = 0;            // all memtables, flushed or not
  uint64_t pending_compaction_bytes = 0;  // estimate of the bytes compaction must rewrite
  uint64_t free_disk_bytes = 0;           // free on the data dir's filesystem
  uint64_t cache_bytes = 0;               // held in the block cache (memtables included)
  std::optional<ReplicationStats> replication;
};

struct StoreOptions {
  std::string path;  // the data directory; created when missing
  // fsync the WAL before a write is acknowledged. Turn off only in tests and benchmarks.
  bool sync = true;
  // The most mutations one group commit takes.
  int max_group_size = 512;
  // The most mutations waiting for the committer; beyond it, writes fail at once with
  // UNAVAILABLE, reason STORE_BUSY, and a RetryInfo, instead of queueing without bound.
  size_t max_queued = 10000;
  // Writes are refused (UNAVAILABLE, reason STORAGE_FULL) while the data dir's filesystem has
  // less free space than this, and go ahead by themselves once it has more again. RocksDB
  // itself never meets a full disk then: Debian builds it with assertions on, and some of them
  // abort on the error paths of a full disk.
  uint64_t min_free_bytes = 256ull << 20;
  // RocksDB's memory: one block cache shared by every column family, with the index and filter
  // blocks and the memtables charged to it (storage/memory_budget.h). At least 8 MiB.
  uint64_t cache_bytes = 128ull << 20;
  // Called on the committer thread after each group it wrote (not after a group that wrote
  // nothing or failed). Must be cheap and must not block; may be empty.
  std::function<void(const CommitStats&)> commit_observer;
  // The file system RocksDB reads and writes through; null: the machine's. Crash tests pass
  // one that can lose power (storage/power_loss_fs.h).
  rocksdb::Env* env = nullptr;
};

// A mutation runs on the committer thread, reads and writes through `txn`, and returns OK to
// commit or an error to roll back its own writes (others in the group are unaffected).
using Mutation = std::function<absl::Status(WriteTxn& txn)>;
// Called once after the mutation's group is durable: the (last) sequence the mutation committed
// under, 0 when it logged no change (wrote nothing, or metadata only), or the error. Runs on the
// committer thread (or, after Shutdown(), on the caller's). Must not block.
using CommitCallback = absl::AnyInvocable<void(absl::StatusOr<uint64_t>) &&>;

// The registry's store: records, secondary indexes, the change log and metadata in one
// database, written through a group committer. The interface other layers program against;
// Open() gives the RocksDB store, tests/testing/memory_store.h an in-memory one. Thread-safe.
class Store {
 public:
  // Opens or creates the RocksDB store at `options.path`. FAILED_PRECONDITION, reason-free,
  // with a clear message when another process holds the data directory; INTERNAL on other
  // errors.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);

  // Drains queued mutations, stops the committer and closes the database.
  virtual ~Store() = default;

  // Queues `mutation`; `done` runs after it commits (durably, when sync is on) or fails.
  // After Shutdown(), or with max_queued mutations waiting, `done` gets UNAVAILABLE at once.
  virtual void Commit(Mutation mutation, CommitCallback done) = 0;

  // Commit() and wait: for tests and tools, never on a gRPC thread.
  absl::StatusOr<uint64_t> CommitAndWait(Mutation mutation);

  // A consistent snapshot for reads. It must not outlive the store.
  virtual std::unique_ptr<ReadView> Snapshot() const = 0;

  // The last committed sequence.
  virtual uint64_t last_sequence() const = 0;

  // Waits until last_sequence() reaches `sequence`: OK once it has; OUT_OF_RANGE when no
  // commit has taken it yet (a store of one answers at once); DEADLINE_EXCEEDED when a
  // replicated store's other replicas committed it but this one has not applied it by
  // `deadline`. Thread-safe.
  virtual absl::Status AwaitSequence(uint64_t sequence, absl::Time deadline) const {
    if (last_sequence() >= sequence) return absl::OkStatus();
    return absl::OutOfRangeError("not committed yet");
  }

  // Called on the committer thread after each group that took sequences, with the last one.
  // Must be cheap and must not block (e.g. notify a condition variable). At most one listener;
  // setting another (or nullptr) waits for a call in progress, so after it returns the old
  // listener is never called again and may be destroyed.
  virtual void SetCommitListener(std::function<void(uint64_t last_sequence)> listener) = 0;

  // Deletes change-log entries below `first_kept` and records `first_kept` as the oldest
  // retained sequence, and in the same atomic write deletes `index_keys` from kIndex (entries
  // that index the trimmed changes, such as a resource's history). Runs beside the committer,
  // never through it, so it does not delay writes. A no-op when `first_kept` is not above the
  // current oldest.
  virtual absl::Status TrimChangeLog(uint64_t first_kept,
                                     const std::vector<std::string>& index_keys) = 0;

  // The oldest retained change-log sequence (1 until anything is trimmed).
  virtual uint64_t first_retained_sequence() const = 0;

  // The store's state now. Thread-safe; costs a few RocksDB property reads.
  virtual StoreStats stats() const { return {}; }

  // Replicated stores (several pscd on one store): this replica's readers of the change log
  // (its search index) have applied it up to `sequence`; published for the other replicas
  // while this one lives. A no-op for a store of one. Thread-safe.
  virtual void PublishReplicaPosition(uint64_t sequence) {}
  // The lowest position any live replica published (this one's included), so that retention
  // keeps what a slower replica's index has yet to read; nullopt for a store of one, or before
  // any is known. Thread-safe, cheap (a cached value).
  virtual std::optional<uint64_t> SlowestReplicaPosition() const { return std::nullopt; }

  // Commits what is queued, then refuses new mutations. Idempotent.
  virtual void Shutdown() = 0;
};

}  // namespace psc::storage
