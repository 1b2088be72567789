#pragma once

// Storage-internal: the open RocksDB and its column family handles. Not for other layers.

#include <array>
#include <memory>

#include "absl/status/status.h"
#include "rocksdb/db.h"
#include "server/storage/family.h"

namespace psc::storage {

struct DbHandles {
  std::unique_ptr<rocksdb::DB> db;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilyCount> families{};
  rocksdb::ColumnFamilyHandle* default_family = nullptr;  // unused, but ours to destroy

  rocksdb::ColumnFamilyHandle* cf(Family f) const { return families[static_cast<int>(f)]; }
};

// Converts a RocksDB status into an absl::Status (INTERNAL, or NOT_FOUND for NotFound).
absl::Status FromRocks(const rocksdb::Status& s);

// The meta key that holds the last committed sequence (uint64, big-endian).
inline constexpr char kLastSequenceKey[] = "last_sequence";
// The meta key that holds the oldest retained change-log sequence (uint64, big-endian).
inline constexpr char kFirstSequenceKey[] = "first_sequence";

}  // namespace psc::storage
