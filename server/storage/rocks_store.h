#pragma once
// Storage-internal: the RocksDB store (Store::Open) and its snapshot views.

#include <memory>

#include "server/common/mutex.h"
#include "server/storage/db_handles.h"
#include "server/storage/memory_budget.h"
#include "server/storage/store.h"

namespace psc::storage {

class GroupCommitter;

// A store's database, open, with the memory budget it uses (which must outlive it).
struct OpenedDb {
  std::unique_ptr<MemoryBudget> memory;
  std::unique_ptr<DbHandles> handles;
};
// Creates the data dir when missing and opens its database with the memory budget of
// `options`. FAILED_PRECONDITION naming the lock when another process holds it.
absl::StatusOr<OpenedDb> OpenDataDir(const StoreOptions& options, bool read_only);

// The default column family's key that marks a data dir as an etcd store's mirror; the
// RocksDB store refuses such a dir, and the etcd store refuses a dir without it that has data.
inline constexpr char kStoreKindKey[] = "store_kind";
bool IsEtcdMirror(const DbHandles& handles);
// Makes the database at `path` (a restored backup of an etcd store's mirror) an embedded
// store's: drops the mirror's own keys, which only it keeps in the default column family.
absl::Status ForgetMirror(const std::string& path);

// StoreStats of the database (all but `queued`), and the oldest retained change-log sequence
// it records: for every store that keeps its data, or its mirror, in RocksDB.
StoreStats DatabaseStats(const DbHandles& handles, const MemoryBudget& memory,
                         const std::string& path);
uint64_t FirstRetainedSequence(const DbHandles& handles);

class RocksReadView final : public ReadView {
 public:
  explicit RocksReadView(const DbHandles* handles);
  ~RocksReadView() override;

  absl::StatusOr<std::optional<std::string>> Get(Family family,
                                                 absl::string_view key) const override;
  absl::Status Scan(Family family, const ScanOptions& options, Visitor visit) const override;
  uint64_t sequence() const override { return sequence_; }

 private:
  const DbHandles* handles_;
  const rocksdb::Snapshot* snapshot_;
  uint64_t sequence_ = 0;
};

// A store whose data (or whose mirror of it) is one RocksDB database: what backups copy.
class RocksBacked {
 public:
  virtual ~RocksBacked() = default;
  virtual rocksdb::DB* db() const = 0;
};

class RocksStore final : public Store, public RocksBacked {
 public:
  RocksStore(std::unique_ptr<DbHandles> handles, std::unique_ptr<MemoryBudget> memory,
             const StoreOptions& options);
  ~RocksStore() override;

  void Commit(Mutation mutation, CommitCallback done) override;
  std::unique_ptr<ReadView> Snapshot() const override;
  uint64_t last_sequence() const override;
  void SetCommitListener(std::function<void(uint64_t)> listener) override;
  absl::Status TrimChangeLog(uint64_t first_kept,
                             const std::vector<std::string>& index_keys) override;
  uint64_t first_retained_sequence() const override;
  StoreStats stats() const override;
  void Shutdown() override;

  rocksdb::DB* db() const override { return handles_->db.get(); }

 private:
  std::unique_ptr<MemoryBudget> memory_;  // outlives the database, which uses its cache
  std::unique_ptr<DbHandles> handles_;
  std::unique_ptr<GroupCommitter> committer_;
  const std::string path_;
  Mutex trim_mu_;  // one trim at a time
};

}  // namespace psc::storage
