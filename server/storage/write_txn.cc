#include "server/storage/write_txn.h"

#include "server/storage/group_commit.h"

namespace psc::storage {

absl::StatusOr<std::optional<std::string>> WriteTxn::Get(Family family, absl::string_view key) {
  const DbHandles* h = batch_->handles();
  std::string value;
  rocksdb::Status s =
      batch_->batch().GetFromBatchAndDB(h->db.get(), rocksdb::ReadOptions(), h->cf(family),
                                        rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s);
  return value;
}

absl::StatusOr<std::optional<std::string>> WriteTxn::FirstKeyWithPrefix(Family family,
                                                                        absl::string_view prefix) {
  const DbHandles* h = batch_->handles();
  std::unique_ptr<rocksdb::Iterator> it(batch_->batch().NewIteratorWithBase(
      h->cf(family), h->db->NewIterator(rocksdb::ReadOptions(), h->cf(family))));
  const rocksdb::Slice start(prefix.data(), prefix.size());
  it->Seek(start);
  if (!it->status().ok()) return FromRocks(it->status());
  if (!it->Valid() || !it->key().starts_with(start)) return std::nullopt;
  return it->key().ToString();
}

void WriteTxn::Put(Family family, absl::string_view key, absl::string_view value) {
  batch_->batch().Put(batch_->handles()->cf(family), rocksdb::Slice(key.data(), key.size()),
                      rocksdb::Slice(value.data(), value.size()));
  NoteWrite(family);
}

void WriteTxn::Delete(Family family, absl::string_view key) {
  batch_->batch().Delete(batch_->handles()->cf(family), rocksdb::Slice(key.data(), key.size()));
  NoteWrite(family);
}

void WriteTxn::NoteWrite(Family family) {
  wrote_any_ = true;
  if (family != Family::kMeta) wrote_logged_ = true;
}

void WriteTxn::AddChange(std::string serialized_entry) {
  changes_.push_back(std::move(serialized_entry));
}

absl::Status WriteTxn::Scan(
    Family family, absl::string_view prefix,
    absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) {
  const DbHandles* h = batch_->handles();
  std::unique_ptr<rocksdb::Iterator> it(batch_->batch().NewIteratorWithBase(
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
