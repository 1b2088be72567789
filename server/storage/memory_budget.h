#pragma once

// Storage-internal: how much memory RocksDB may hold, and the column-family options that keep
// it to that.

#include <algorithm>
#include <cstdint>
#include <memory>

#include "rocksdb/cache.h"
#include "rocksdb/options.h"
#include "rocksdb/write_buffer_manager.h"
#include "server/storage/store.h"

namespace psc::storage {

// The free space a store's disk needs before RocksDB resumes after it filled: the reserve, and
// room to flush every memtable (at most a quarter of the cache), so that resuming does not fill
// the disk again at once.
inline uint64_t ResumeFreeBytes(const StoreOptions& options) {
  return std::max(options.min_free_bytes, options.cache_bytes / 4);
}

// One LRU block cache shared by every column family. It holds data blocks and, charged to it,
// the index and filter blocks and the memtables, so RocksDB's memory stays near its capacity
// however large the registry grows (instead of index and filter blocks held outside any cache,
// and up to 2 x 64 MiB of memtables per column family, by RocksDB's defaults).
class MemoryBudget {
 public:
  // `cache_bytes` of at least 8 MiB; a quarter of it may be memtables.
  explicit MemoryBudget(uint64_t cache_bytes);

  // Sets the write buffer manager that charges memtables to the cache.
  void ApplyTo(rocksdb::DBOptions* options) const;
  // Options of every column family: memtables of a sixteenth of the cache; block-based tables with
  // a whole-key bloom filter (10 bits a key: about 1% false positives, so a Get of a missing key
  // seldom reads a block) and their index and filter blocks in the cache, those of level 0 pinned.
  rocksdb::ColumnFamilyOptions FamilyOptions() const;

  // Bytes held in the cache now (blocks and the memtables' reservations).
  uint64_t usage() const { return cache_->GetUsage(); }

 private:
  std::shared_ptr<rocksdb::Cache> cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers_;
};

}  // namespace psc::storage
