#pragma once

// Storage-internal: the open RocksDB and its column family handles. Not for other layers.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "server/common/free_space.h"
#include "server/storage/family.h"

namespace psc::storage {

struct DbHandles {
  std::unique_ptr<rocksdb::DB> db;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilyCount> families{};
  rocksdb::ColumnFamilyHandle* default_family = nullptr;  // unused, but ours to destroy
  // Opened read-only because the disk was full at start: nothing may be written.
  bool read_only = false;

  rocksdb::ColumnFamilyHandle* cf(Family f) const { return families[static_cast<int>(f)]; }

  // Destroys the family handles and closes the database (no WAL flush). Idempotent.
  void Close();
};

// Opens the store's database at `path` (with `options`, whose env may be a backup's, and
// `family_options` for every column family), or read-only. The RocksDB status on failure.
rocksdb::Status OpenHandles(const rocksdb::DBOptions& options, const std::string& path,
                            bool read_only, DbHandles* handles,
                            const rocksdb::ColumnFamilyOptions& family_options = {});

// Converts a RocksDB status into an absl::Status (INTERNAL, or NOT_FOUND for NotFound).
// RocksDB's status as ours: UNAVAILABLE / STORAGE_FULL (with a RetryInfo) when the disk is full,
// INTERNAL / STORAGE_ERROR for any other failure (logged; no paths reach clients).
absl::Status FromRocks(const rocksdb::Status& s);
absl::Status StorageFull();

// The meta key that holds the last committed sequence (uint64, big-endian).
inline constexpr char kLastSequenceKey[] = "last_sequence";
// The meta key that holds the oldest retained change-log sequence (uint64, big-endian).
inline constexpr char kFirstSequenceKey[] = "first_sequence";
// The meta key that holds the storage format version (uint64, big-endian) the data was written
// in. A data dir without it predates versioning and is version 1.
inline constexpr char kFormatVersionKey[] = "format_version";
// The format this pscd writes, and the newest it reads. Raise it (and teach Open to upgrade
// older data) whenever the layout of keys or values changes incompatibly.
inline constexpr uint64_t kFormatVersion = 1;

}  // namespace psc::storage
