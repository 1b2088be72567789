#pragma once
// Online backups of the store: RocksDB's BackupEngine in a directory of their own. Backups are
// consistent (a point in the commit order, taken while writes go on), incremental (a table file
// that two backups hold is stored once) and checksummed (crc32c of every file, checked by
// Verify and by a restore). Each backup records the change-log sequence it holds: every change
// up to it and none after.
//
// Layout of a backup directory: RocksDB's own (meta/, private/, shared_checksum/), plus
// `sequence/{id}` holding each backup's sequence as decimal text.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace rocksdb {
class BackupEngine;
}  // namespace rocksdb

namespace psc::storage {

class Store;

struct BackupInfo {
  uint32_t id = 0;          // 1, 2, ... in the order taken
  absl::Time time;          // when it was taken
  uint64_t size_bytes = 0;  // its files' sizes (a file shared with other backups counts in each)
  uint32_t files = 0;       // how many files it holds
  uint64_t sequence = 0;    // the last change it holds
};

// A directory of backups. Thread-safe: a backup being taken blocks the other operations until
// it is done (RocksDB's locking).
class BackupDir {
 public:
  // Opens the backup directory at `path`, creating it when missing, to write through the file
  // system of `store` (the machine's when null). FAILED_PRECONDITION with the reason when it
  // cannot be created or read.
  static absl::StatusOr<std::unique_ptr<BackupDir>> Open(const std::string& path,
                                                         const Store* store = nullptr);
  ~BackupDir();

  // Takes a backup of `store` (a RocksDB store; UNIMPLEMENTED for another) while it serves.
  // UNAVAILABLE (STORAGE_FULL) when the backup's disk is full; nothing half-written remains.
  absl::StatusOr<BackupInfo> Create(Store& store);

  // Every good backup, oldest first.
  absl::StatusOr<std::vector<BackupInfo>> List() const;
  // One backup; NOT_FOUND when there is none with `id`.
  absl::StatusOr<BackupInfo> Get(uint32_t id) const;

  // Reads every file of backup `id` and checks its size and crc32c against those recorded when
  // it was taken. NOT_FOUND for no such backup; DATA_LOSS (reason BACKUP_CORRUPT) naming what is
  // wrong when a file is missing, has another size or another checksum.
  absl::Status Verify(uint32_t id) const;

  // Deletes backup `id` (and the files no other backup shares). NOT_FOUND for no such backup.
  absl::Status Delete(uint32_t id);
  // Deletes every backup but the latest `count` (count >= 1).
  absl::Status KeepLatest(uint32_t count);

 private:
  friend absl::StatusOr<BackupInfo> RestoreBackup(const std::string&, uint32_t, const std::string&);
  BackupDir(std::string path, rocksdb::BackupEngine* engine)
      : path_(std::move(path)), engine_(engine) {}
  absl::StatusOr<BackupInfo> Describe(uint32_t id) const;
  // Reads the sequence backup `id` holds (opening it read-only) into sequence/{id}.
  absl::Status RecordSequence(uint32_t id);

  const std::string path_;
  rocksdb::BackupEngine* const engine_;  // owned; thread-safe
};

// Offline: restores backup `id` (0: the latest) of the backup directory `backup_dir` into
// `data_dir`, which must not exist or be empty (FAILED_PRECONDITION otherwise: a restore never
// overwrites data). Every file's checksum is checked as it is copied (DATA_LOSS,
// BACKUP_CORRUPT, on a mismatch, and `data_dir` is removed again). The search index is not in
// a backup: pscd rebuilds it from the restored records at its first start.
absl::StatusOr<BackupInfo> RestoreBackup(const std::string& backup_dir, uint32_t id,
                                         const std::string& data_dir);

}  // namespace psc::storage
