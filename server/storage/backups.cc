#include "server/storage/backups.h"

#include <cstdarg>
#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "rocksdb/utilities/backup_engine.h"
#include "server/common/durable_file.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/storage/db_handles.h"
#include "server/storage/rocks_logger.h"
#include "server/storage/rocks_store.h"

namespace psc::storage {
namespace {

namespace fs = std::filesystem;

std::string SequenceFile(const std::string& dir, uint32_t id) {
  return absl::StrCat(dir, "/sequence/", id);
}

// A damaged backup's status: DATA_LOSS, with the backup directory's path taken out of the
// message: clients learn which file of a backup is wrong, not where the server keeps it.
absl::Status Damaged(const rocksdb::Status& s, const std::string& dir) {
  return Error(absl::StatusCode::kDataLoss, "BACKUP_CORRUPT",
               absl::StrReplaceAll(s.ToString(), {{dir + "/", ""}, {dir, "backup dir"}}));
}

// RocksDB's status as ours: a checksum or size that does not match is a damaged backup; a full
// disk is STORAGE_FULL; anything else (say, a directory pscd may not write) STORAGE_ERROR,
// logged with its detail.
absl::Status FromBackupEngine(const rocksdb::Status& s, const std::string& dir) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsCorruption()) return Damaged(s, dir);
  return FromRocks(s);
}

absl::Status NoSuchBackup(uint32_t id) {
  return Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
               absl::StrCat("backups/", id, " does not exist"));
}

// The last sequence held by the database that `options` and `path` open read-only.
absl::StatusOr<uint64_t> SequenceOf(rocksdb::DBOptions options, const std::string& path) {
  options.info_log = NewDiscardingRocksLogger();
  DbHandles handles;
  rocksdb::Status s = OpenHandles(options, path, /*read_only=*/true, &handles);
  if (!s.ok()) return FromRocks(s);
  uint64_t sequence = RocksReadView(&handles).sequence();
  handles.Close();
  return sequence;
}

}  // namespace

absl::StatusOr<std::unique_ptr<BackupDir>> BackupDir::Open(const std::string& dir,
                                                           const Store* store) {
  std::error_code ec;
  // RocksDB opens a backup read-only only by an absolute path.
  const std::string path = fs::absolute(dir, ec).lexically_normal().string();
  fs::create_directories(path + "/sequence", ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create backup dir ", path, ": ", ec.message()));
  }
  rocksdb::BackupEngineOptions options(path);
  options.sync = true;  // a backup that was reported taken survives a crash
  options.max_background_operations = 2;
  // The store's file system, which a crash test may have replaced (storage/power_loss_fs.h).
  rocksdb::Env* env = rocksdb::Env::Default();
  if (const auto* rocks = dynamic_cast<const RocksBacked*>(store); rocks != nullptr) {
    env = rocks->db()->GetEnv();
  }
  rocksdb::BackupEngine* engine = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngine::Open(options, env, &engine);
  if (!s.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open backup dir ", path, ": ", s.ToString()));
  }
  // A backup is reported taken only once its sequence is recorded: one without that record was
  // cut off by a crash between the two, and is removed rather than listed as damaged.
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  for (const rocksdb::BackupInfo& info : infos) {
    if (fs::exists(SequenceFile(path, info.backup_id), ec)) continue;
    LogWarning(absl::StrCat("backups/", info.backup_id,
                            " was cut off before its sequence was recorded: deleting it"));
    engine->DeleteBackup(info.backup_id);
  }
  return std::unique_ptr<BackupDir>(new BackupDir(path, engine));
}

BackupDir::~BackupDir() { delete engine_; }

absl::StatusOr<BackupInfo> BackupDir::Create(Store& store) {
  // The embedded store's database, or the etcd store's mirror of the registry.
  auto* rocks = dynamic_cast<RocksBacked*>(&store);
  if (rocks == nullptr) return absl::UnimplementedError("only a RocksDB store can be backed up");
  rocksdb::CreateBackupOptions options;
  // Flushed first, a backup is table files (shared with the other backups: incremental) and a
  // short log, and opens quickly to read its sequence. Writes go on into a new memtable.
  options.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  PSC_RETURN_IF_ERROR(FromBackupEngine(engine_->CreateNewBackup(options, rocks->db(), &id), path_));
  // The sequence the backup holds is known only once it is taken: read it from the backup.
  absl::Status recorded = RecordSequence(id);
  if (!recorded.ok()) {
    engine_->DeleteBackup(id);  // never leave a backup whose sequence is unknown
    return recorded;
  }
  return Describe(id);
}

absl::Status BackupDir::RecordSequence(uint32_t id) {
  rocksdb::BackupInfo info;
  PSC_RETURN_IF_ERROR(
      FromBackupEngine(engine_->GetBackupInfo(id, &info, /*include_file_details=*/true), path_));
  rocksdb::DBOptions options;
  options.env = info.env_for_open.get();
  PSC_ASSIGN_OR_RETURN(uint64_t sequence, SequenceOf(options, info.name_for_open));
  if (absl::Status s = WriteFileDurably(SequenceFile(path_, id), absl::StrCat(sequence)); !s.ok()) {
    LogWarning(absl::StrCat("backup ", id, ": ", s.message()));  // the path stays in the log
    return absl::UnavailableError("cannot write a backup's sequence file");
  }
  return absl::OkStatus();
}

absl::StatusOr<BackupInfo> BackupDir::Describe(uint32_t id) const {
  rocksdb::BackupInfo info;
  rocksdb::Status s = engine_->GetBackupInfo(id, &info);
  if (s.IsNotFound()) return NoSuchBackup(id);
  PSC_RETURN_IF_ERROR(FromBackupEngine(s, path_));
  BackupInfo out{.id = id,
                 .time = absl::FromUnixSeconds(info.timestamp),
                 .size_bytes = info.size,
                 .files = info.number_files};
  std::ifstream file(SequenceFile(path_, id));
  // A backup is taken once its sequence is recorded: until then (Create is between the two, or
  // was cut off by a crash, which the next Open tidies) it does not exist.
  if (!file.is_open()) return NoSuchBackup(id);
  std::string text;
  if (!(file >> text) || !absl::SimpleAtoi(text, &out.sequence)) {
    return Error(absl::StatusCode::kDataLoss, "BACKUP_CORRUPT",
                 absl::StrCat("backups/", id, " has lost the record of its sequence"));
  }
  return out;
}

absl::StatusOr<std::vector<BackupInfo>> BackupDir::List() const {
  std::vector<rocksdb::BackupInfo> infos;
  engine_->GetBackupInfo(&infos);
  std::vector<BackupInfo> backups;
  for (const rocksdb::BackupInfo& info : infos) {
    auto described = Describe(info.backup_id);
    // A backup deleted between the two reads is simply no longer listed.
    if (described.status().code() == absl::StatusCode::kNotFound) continue;
    PSC_RETURN_IF_ERROR(described.status());
    backups.push_back(*described);
  }
  return backups;
}

absl::StatusOr<BackupInfo> BackupDir::Get(uint32_t id) const { return Describe(id); }

absl::Status BackupDir::Verify(uint32_t id) const {
  PSC_RETURN_IF_ERROR(Describe(id).status());
  // Any failure to read a file of the backup back as it was written means the backup is damaged
  // (a file gone is NotFound, one cut short an IOError).
  rocksdb::Status s = engine_->VerifyBackup(id, /*verify_with_checksum=*/true);
  if (s.ok() || s.IsNoSpace()) return FromRocks(s);
  // Deleted while it was read (--backup-keep's purge after a scheduled backup): gone, not damaged.
  rocksdb::BackupInfo info;
  if (engine_->GetBackupInfo(id, &info).IsNotFound()) return NoSuchBackup(id);
  return Damaged(s, path_);
}

absl::Status BackupDir::Delete(uint32_t id) {
  rocksdb::BackupInfo info;
  if (engine_->GetBackupInfo(id, &info).IsNotFound()) return NoSuchBackup(id);
  PSC_RETURN_IF_ERROR(FromBackupEngine(engine_->DeleteBackup(id), path_));
  std::error_code ec;
  fs::remove(SequenceFile(path_, id), ec);
  return absl::OkStatus();
}

absl::Status BackupDir::KeepLatest(uint32_t count) {
  std::vector<rocksdb::BackupInfo> before;
  engine_->GetBackupInfo(&before);
  PSC_RETURN_IF_ERROR(FromBackupEngine(engine_->PurgeOldBackups(count), path_));
  std::vector<rocksdb::BackupInfo> after;
  engine_->GetBackupInfo(&after);
  for (const rocksdb::BackupInfo& old : before) {
    bool kept = false;
    for (const rocksdb::BackupInfo& info : after) kept |= info.backup_id == old.backup_id;
    std::error_code ec;
    if (!kept) fs::remove(SequenceFile(path_, old.backup_id), ec);
  }
  return absl::OkStatus();
}

absl::StatusOr<BackupInfo> RestoreBackup(const std::string& backup_dir, uint32_t id,
                                         const std::string& data_dir) {
  std::error_code ec;
  if (fs::exists(data_dir, ec) && !fs::is_empty(data_dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat(data_dir,
                     " is not empty: a restore never overwrites data; name a new or "
                     "empty directory"));
  }
  if (!fs::exists(backup_dir + "/meta", ec)) {
    return absl::NotFoundError(absl::StrCat(backup_dir, " holds no backups"));
  }
  PSC_ASSIGN_OR_RETURN(auto dir, BackupDir::Open(backup_dir));
  if (id == 0) {
    PSC_ASSIGN_OR_RETURN(auto all, dir->List());
    if (all.empty()) return absl::NotFoundError(absl::StrCat(backup_dir, " holds no backups"));
    id = all.back().id;
  }
  PSC_ASSIGN_OR_RETURN(BackupInfo info, dir->Get(id));
  // Restore beside the target and rename it into place only when every file is copied and
  // checked (RocksDB checks each file's checksum as it copies it): a failed restore leaves
  // nothing that looks like a data dir.
  const std::string staging = fs::absolute(data_dir, ec).lexically_normal().string() + ".restoring";
  fs::remove_all(staging, ec);
  rocksdb::Status s =
      dir->engine_->RestoreDBFromBackup(rocksdb::RestoreOptions(), id, staging, staging);
  // RocksDB's restore error does not say which file is damaged; Verify does.
  absl::Status damage = s.IsCorruption() ? dir->Verify(id) : absl::OkStatus();
  dir.reset();  // joins the engine's copying threads
  // A backup taken on an etcd replica restores as an embedded store (one machine, no cluster).
  if (s.ok()) {
    if (absl::Status forgot = ForgetMirror(staging); !forgot.ok()) {
      s = rocksdb::Status::IOError(std::string(forgot.message()));
    }
  }
  if (s.ok() && ::rename(staging.c_str(), data_dir.c_str()) != 0) {
    s = rocksdb::Status::IOError("cannot rename the restored files into " + data_dir);
  }
  if (!s.ok()) {
    fs::remove_all(staging, ec);
    return damage.ok() ? FromBackupEngine(s, backup_dir) : damage;
  }
  return info;
}

}  // namespace psc::storage
