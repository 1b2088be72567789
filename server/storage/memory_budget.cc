#include "server/storage/memory_budget.h"

#include <algorithm>

#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"

namespace psc::storage {

MemoryBudget::MemoryBudget(uint64_t cache_bytes)
    : cache_(rocksdb::NewLRUCache(std::max<uint64_t>(cache_bytes, 8 << 20))),
      write_buffers_(
          std::make_shared<rocksdb::WriteBufferManager>(cache_->GetCapacity() / 4, cache_)) {}

void MemoryBudget::ApplyTo(rocksdb::DBOptions* options) const {
  options->write_buffer_manager = write_buffers_;
}

rocksdb::ColumnFamilyOptions MemoryBudget::FamilyOptions() const {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache_;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Memtables sized to the budget: RocksDB's default of 64 MiB each allocates its arena in
  // 8 MiB blocks, which alone would overrun a small cache. A sixteenth each keeps the five
  // families' memtables (and their arenas' blocks, an eighth of that) within the quarter.
  options.write_buffer_size = cache_->GetCapacity() / 16;
  return options;
}

}  // namespace psc::storage
