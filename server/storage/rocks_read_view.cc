#include "absl/strings/match.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/storage/db_handles.h"
#include "server/storage/keys.h"
#include "server/storage/rocks_store.h"

namespace psc::storage {
namespace {

bool IsNoSpace(const rocksdb::Status& s) {
  // After a failed write RocksDB reports its background error, whose subcode may be lost in
  // the wrapping; its text still says why.
  return s.IsNoSpace() || absl::StrContains(s.ToString(), "No space left on device");
}

}  // namespace

absl::Status StorageFull() {
  return RetryLater(absl::StatusCode::kUnavailable, "STORAGE_FULL",
                    "the registry's disk is full: writes are refused until space is freed, then "
                    "resume by themselves; reads go on",
                    absl::Seconds(5));
}

absl::Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound()) return absl::NotFoundError("not found");
  if (IsNoSpace(s)) return StorageFull();
  // The detail (file paths included) is for the server's log, not for clients.
  LogError("storage: " + s.ToString());
  return Error(absl::StatusCode::kInternal, "STORAGE_ERROR",
               "the registry's storage failed; the server log has the detail");
}

RocksReadView::RocksReadView(const DbHandles* handles)
    : handles_(handles), snapshot_(handles->db->GetSnapshot()) {
  auto last = Get(Family::kMeta, kLastSequenceKey);
  if (last.ok() && *last) {
    KeyReader reader(**last);
    reader.ReadUint64(&sequence_);
  }
}

RocksReadView::~RocksReadView() { handles_->db->ReleaseSnapshot(snapshot_); }

absl::StatusOr<std::optional<std::string>> RocksReadView::Get(Family family,
                                                              absl::string_view key) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::string value;
  rocksdb::Status s =
      handles_->db->Get(ro, handles_->cf(family), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s);
  return value;
}

absl::Status RocksReadView::Scan(Family family, const ScanOptions& options, Visitor visit) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::unique_ptr<rocksdb::Iterator> it(handles_->db->NewIterator(ro, handles_->cf(family)));
  const rocksdb::Slice resume(options.resume_after);
  const rocksdb::Slice prefix(options.prefix);
  if (!options.reverse) {
    it->Seek(resume.empty() ? prefix : resume);
    if (!resume.empty() && it->Valid() && it->key() == resume) it->Next();
  } else if (!resume.empty()) {
    it->SeekForPrev(resume);
    if (it->Valid() && it->key() == resume) it->Prev();
  } else {
    std::string end = PrefixSuccessor(options.prefix);
    if (end.empty()) {
      it->SeekToLast();
    } else {
      it->SeekForPrev(end);
      if (it->Valid() && it->key() == end) it->Prev();
    }
  }
  for (; it->Valid(); options.reverse ? it->Prev() : it->Next()) {
    if (!it->key().starts_with(prefix)) break;
    if (!visit(absl::string_view(it->key().data(), it->key().size()),
               absl::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  return FromRocks(it->status());
}

}  // namespace psc::storage
