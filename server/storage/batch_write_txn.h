#pragma once

// Storage-internal: the WriteTxn of one mutation over a RocksDB database and a group's indexed
// batch: reads go through the batch to the database, writes into the batch. The RocksDB store
// writes the batch itself; the etcd store turns it into one etcd transaction.

#include "rocksdb/utilities/write_batch_with_index.h"
#include "server/storage/db_handles.h"
#include "server/storage/write_txn.h"

namespace psc::storage {

class BatchWriteTxn final : public WriteTxn {
 public:
  BatchWriteTxn(const DbHandles* handles, rocksdb::WriteBatchWithIndex* batch,
                uint64_t first_sequence)
      : WriteTxn(first_sequence), handles_(handles), batch_(batch) {}

  absl::StatusOr<std::optional<std::string>> Get(Family family, absl::string_view key) override;
  absl::Status Scan(
      Family family, absl::string_view prefix,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) override;

 protected:
  void DoPut(Family family, absl::string_view key, absl::string_view value) override;
  void DoDelete(Family family, absl::string_view key) override;

 private:
  const DbHandles* handles_;
  rocksdb::WriteBatchWithIndex* batch_;
};

}  // namespace psc::storage
