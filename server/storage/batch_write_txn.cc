#include "server/storage/batch_write_txn.h"

namespace psc::storage {

absl::StatusOr<std::optional<std::string>> BatchWriteTxn::Get(Family family,
                                                              absl::string_view key) {
  const DbHandles* h = handles_;
  std::string value;
  rocksdb::Status s = batch_->GetFromBatchAndDB(h->db.get(), rocksdb::ReadOptions(), h->cf(family),
                                                rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s);
  return value;
}

void BatchWriteTxn::DoPut(Family family, absl::string_view key, absl::string_view value) {
  batch_->Put(handles_->cf(family), rocksdb::Slice(key.data(), key.size()),
              rocksdb::Slice(value.data(), value.size()));
}

void BatchWriteTxn::DoDelete(Family family, absl::string_view key) {
  batch_->Delete(handles_->cf(family), rocksdb::Slice(key.data(), key.size()));
}

absl::Status BatchWriteTxn::Scan(
    Family family, absl::string_view prefix,
    absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) {
  const DbHandles* h = handles_;
  std::unique_ptr<rocksdb::Iterator> it(batch_->NewIteratorWithBase(
      h->cf(family), h->db->NewIterator(rocksdb::ReadOptions(), h->cf(family))));
  const rocksdb::Slice start(prefix.data(), prefix.size());
  for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
    if (!visit(absl::string_view(it->key().data(), it->key().size()),
               absl::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  return it->status().ok() ? absl::OkStatus() : FromRocks(it->status());
}

}  // namespace psc::storage
