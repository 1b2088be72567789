#include "server/storage/rocks_store.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/storage/db_handles.h"
#include "server/storage/group_commit.h"
#include "server/storage/keys.h"
#include "server/storage/rocks_logger.h"

namespace psc::storage {
namespace {

constexpr const char* kFamilyNames[kFamilyCount] = {"records", "index", "changelog", "meta"};

// After ENOSPC, the committer resumes RocksDB itself once the disk has room for a flush
// (GroupCommitter::TryResume, every second); RocksDB's own recovery would poll only every 5 s
// and answer the committer's DB::Resume() "busy" meanwhile.
class CommitterResumes final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

// Refuses data written in a newer format than this pscd reads, and records the format in a
// data dir that has none yet (new, or written before versioning).
absl::Status CheckFormatVersion(const DbHandles& handles, const std::string& path) {
  std::string value;
  rocksdb::Status s =
      handles.db->Get(rocksdb::ReadOptions(), handles.cf(Family::kMeta), kFormatVersionKey, &value);
  if (s.IsNotFound()) {
    if (handles.read_only) return absl::OkStatus();
    rocksdb::WriteOptions sync;
    sync.sync = true;
    return FromRocks(handles.db->Put(sync, handles.cf(Family::kMeta), kFormatVersionKey,
                                     KeyBuilder().AddUint64(kFormatVersion).key()));
  }
  if (!s.ok()) return FromRocks(s);
  uint64_t version = 0;
  if (!KeyReader(value).ReadUint64(&version)) {
    return absl::FailedPreconditionError("data dir " + path + " has an unreadable format version");
  }
  if (version > kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data dir ", path, " is in storage format ", version, ", written by a newer pscd; this ",
        "pscd reads formats up to ", kFormatVersion, ": run the newer pscd, or restore a backup ",
        "taken before the upgrade"));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsEtcdMirror(const DbHandles& handles) {
  std::string kind;
  return handles.db->Get(rocksdb::ReadOptions(), handles.default_family, kStoreKindKey, &kind).ok();
}

absl::Status ForgetMirror(const std::string& path) {
  DbHandles handles;
  rocksdb::DBOptions options;
  rocksdb::Status s = OpenHandles(options, path, /*read_only=*/false, &handles);
  if (!s.ok()) return FromRocks(s);
  if (IsEtcdMirror(handles)) {
    rocksdb::WriteBatch batch;
    std::unique_ptr<rocksdb::Iterator> it(
        handles.db->NewIterator(rocksdb::ReadOptions(), handles.default_family));
    for (it->SeekToFirst(); it->Valid(); it->Next())
      batch.Delete(handles.default_family, it->key());
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = it->status().ok() ? handles.db->Write(sync, &batch) : it->status();
  }
  handles.Close();
  return FromRocks(s);
}

void DbHandles::Close() {
  if (db == nullptr) return;
  for (auto*& cf : families) {
    if (cf != nullptr) db->DestroyColumnFamilyHandle(cf);
    cf = nullptr;
  }
  if (default_family != nullptr) db->DestroyColumnFamilyHandle(default_family);
  default_family = nullptr;
  db->Close();
  db.reset();
}

rocksdb::Status OpenHandles(const rocksdb::DBOptions& options, const std::string& path,
                            bool read_only, DbHandles* handles,
                            const rocksdb::ColumnFamilyOptions& family_options) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, family_options);
  for (const char* name : kFamilyNames) descriptors.emplace_back(name, family_options);
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = read_only
                          ? rocksdb::DB::OpenForReadOnly(options, path, descriptors, &cfs, &raw)
                          : rocksdb::DB::Open(options, path, descriptors, &cfs, &raw);
  if (!s.ok()) return s;
  handles->db.reset(raw);
  handles->read_only = read_only;
  handles->default_family = cfs[0];
  for (int i = 0; i < kFamilyCount; ++i) handles->families[i] = cfs[i + 1];
  return s;
}

absl::StatusOr<OpenedDb> OpenDataDir(const StoreOptions& options, bool read_only) {
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) {
    return absl::FailedPreconditionError("cannot create data dir " + options.path + ": " +
                                         ec.message());
  }
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.info_log = NewRocksLogger();  // never a LOG file on the data dir's disk
  db_options.listeners.push_back(std::make_shared<CommitterResumes>());
  if (options.env != nullptr) db_options.env = options.env;
  OpenedDb opened;
  opened.memory = std::make_unique<MemoryBudget>(options.cache_bytes);
  opened.memory->ApplyTo(&db_options);
  opened.handles = std::make_unique<DbHandles>();
  rocksdb::Status s = OpenHandles(db_options, options.path, read_only, opened.handles.get(),
                                  opened.memory->FamilyOptions());
  if (!s.ok()) {
    if (s.IsIOError() && absl::StrContains(s.ToString(), "lock")) {
      return absl::FailedPreconditionError("data dir " + options.path +
                                           " is in use by another pscd (" + s.ToString() + ")");
    }
    return absl::InternalError("cannot open data dir " + options.path + ": " + s.ToString());
  }
  return opened;
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  // On a full disk RocksDB cannot open for writing (and Debian's build aborts trying): open
  // read-only, so that reads go on, when the disk is short of space and the data dir has data.
  const bool read_only = FreeBytes(options.path) < options.min_free_bytes &&
                         std::filesystem::exists(options.path + "/CURRENT");
  PSC_ASSIGN_OR_RETURN(OpenedDb opened, OpenDataDir(options, read_only));
  auto& handles = opened.handles;
  if (IsEtcdMirror(*handles)) {
    handles->Close();
    return absl::FailedPreconditionError(
        "data dir " + options.path +
        " is the local mirror of a registry in etcd: start pscd with --store etcd:URL...");
  }
  if (read_only) {
    LogError(absl::StrCat("storage: the data dir's disk has less than ",
                          options.min_free_bytes >> 20,
                          " MiB free: opened read-only; restart pscd once space is freed to "
                          "accept writes again"));
  }
  if (absl::Status version = CheckFormatVersion(*handles, options.path); !version.ok()) {
    handles->Close();
    return version;
  }
  return std::make_unique<RocksStore>(std::move(handles), std::move(opened.memory), options);
}

RocksStore::RocksStore(std::unique_ptr<DbHandles> handles, std::unique_ptr<MemoryBudget> memory,
                       const StoreOptions& options)
    : memory_(std::move(memory)), handles_(std::move(handles)), path_(options.path) {
  committer_ = std::make_unique<GroupCommitter>(handles_.get(), options, Snapshot()->sequence());
}

RocksStore::~RocksStore() {
  const bool write_failed = committer_->write_failed();
  committer_.reset();  // drains the queue and joins the committer thread
  // After a write error RocksDB is in its error state, where a WAL flush trips an assertion in
  // Debian's build; every acknowledged write was synced already (when fsync is on).
  if (!write_failed && !handles_->read_only) handles_->db->FlushWAL(/*sync=*/true);
  handles_->Close();
}

void RocksStore::Commit(Mutation mutation, CommitCallback done) {
  committer_->Enqueue(std::move(mutation), std::move(done));
}

std::unique_ptr<ReadView> RocksStore::Snapshot() const {
  return std::make_unique<RocksReadView>(handles_.get());
}

uint64_t RocksStore::last_sequence() const { return committer_->last_sequence(); }

void RocksStore::Shutdown() { committer_->Shutdown(); }

void RocksStore::SetCommitListener(std::function<void(uint64_t)> listener) {
  committer_->SetCommitListener(std::move(listener));
}

uint64_t RocksStore::first_retained_sequence() const { return FirstRetainedSequence(*handles_); }

StoreStats RocksStore::stats() const {
  StoreStats stats = DatabaseStats(*handles_, *memory_, path_);
  stats.queued = committer_->queued();
  return stats;
}

StoreStats DatabaseStats(const DbHandles& handles, const MemoryBudget& memory,
                         const std::string& path) {
  StoreStats stats;
  rocksdb::DB* db = handles.db.get();
  db->GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimateLiveDataSize,
                               &stats.live_data_bytes);
  db->GetAggregatedIntProperty(rocksdb::DB::Properties::kSizeAllMemTables, &stats.memtable_bytes);
  db->GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimatePendingCompactionBytes,
                               &stats.pending_compaction_bytes);
  stats.free_disk_bytes = FreeBytes(path);
  stats.cache_bytes = memory.usage();
  return stats;
}

uint64_t FirstRetainedSequence(const DbHandles& handles) {
  std::string value;
  rocksdb::Status s =
      handles.db->Get(rocksdb::ReadOptions(), handles.cf(Family::kMeta), kFirstSequenceKey, &value);
  uint64_t first = 1;
  if (s.ok()) KeyReader(value).ReadUint64(&first);
  return first;
}

absl::Status RocksStore::TrimChangeLog(uint64_t first_kept,
                                       const std::vector<std::string>& index_keys) {
  MutexLock lock(&trim_mu_);
  if (first_kept <= first_retained_sequence()) return absl::OkStatus();
  PSC_RETURN_IF_ERROR(committer_->WritesAllowed());  // a trim writes too
  first_kept = std::min(first_kept, last_sequence() + 1);
  rocksdb::WriteBatch batch;
  batch.DeleteRange(handles_->cf(Family::kChangeLog), ChangeLogKey(0), ChangeLogKey(first_kept));
  for (const std::string& key : index_keys) batch.Delete(handles_->cf(Family::kIndex), key);
  batch.Put(handles_->cf(Family::kMeta), kFirstSequenceKey,
            KeyBuilder().AddUint64(first_kept).key());
  return FromRocks(handles_->db->Write(rocksdb::WriteOptions(), &batch));
}

}  // namespace psc::storage
