#include "server/registry/feed/change_log_trimmer.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "psc/registry/v1/change.pb.h"
#include "server/common/catch_exceptions.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/registry/records/record_layout.h"
#include "server/storage/keys.h"

namespace psc::registry {
namespace {

// The most change-log entries trimmed, and request ids examined, in one round.
constexpr uint64_t kMaxTrimPerRound = 10000;

}  // namespace

ChangeLogTrimmer::ChangeLogTrimmer(storage::Store* store, RetentionOptions options)
    : store_(store), options_(options), thread_([this](StoppableThread& self) { Run(self); }) {}

absl::StatusOr<uint64_t> ChangeLogTrimmer::TrimOnce() {
  MutexLock round(&round_mu_);
  const uint64_t last = store_->last_sequence();
  const uint64_t first = store_->first_retained_sequence();
  uint64_t first_kept = first;
  if (options_.max_count > 0 && last > options_.max_count) {
    first_kept = std::max(first_kept, last - options_.max_count + 1);
  }
  // By age: the first entry young enough to keep.
  const int64_t cutoff_micros = absl::ToUnixMicros(options_.clock->Now() - options_.max_age);
  storage::ReadView::ScanOptions scan;
  if (first_kept > 1) scan.resume_after = storage::ChangeLogKey(first_kept - 1);
  uint64_t scanned = 0;
  uint64_t by_age = first_kept;
  PSC_RETURN_IF_ERROR(store_->Snapshot()->Scan(
      storage::Family::kChangeLog, scan, [&](absl::string_view key, absl::string_view value) {
        v1::StoredChange change;
        uint64_t sequence = 0;
        storage::KeyReader(key).ReadUint64(&sequence);
        if (!change.ParseFromString(std::string(value)) ||
            google::protobuf::util::TimeUtil::TimestampToMicroseconds(
                change.event().commit_time()) >= cutoff_micros) {
          by_age = sequence;
          return false;
        }
        by_age = sequence + 1;
        return ++scanned < kMaxTrimPerRound;
      }));
  // At most a round's worth, so that the history keys deleted with it stay bounded.
  first_kept = std::min(std::max(first_kept, by_age), first + kMaxTrimPerRound);
  if (options_.applied_by_readers) {
    first_kept = std::max(first, std::min(first_kept, options_.applied_by_readers() + 1));
  }
  if (first_kept > first) {
    PSC_ASSIGN_OR_RETURN(std::vector<std::string> history, HistoryKeys(first, first_kept));
    PSC_RETURN_IF_ERROR(store_->TrimChangeLog(first_kept, history));
    LogInfo(absl::StrCat("change log trimmed: oldest retained sequence is now ", first_kept));
  }
  PSC_RETURN_IF_ERROR(ExpireRequestIds());
  return store_->first_retained_sequence();
}

absl::StatusOr<std::vector<std::string>> ChangeLogTrimmer::HistoryKeys(uint64_t first,
                                                                       uint64_t end) const {
  std::vector<std::string> keys;
  storage::ReadView::ScanOptions scan;
  if (first > 1) scan.resume_after = storage::ChangeLogKey(first - 1);
  PSC_RETURN_IF_ERROR(store_->Snapshot()->Scan(
      storage::Family::kChangeLog, scan, [&](absl::string_view key, absl::string_view value) {
        uint64_t sequence = 0;
        storage::KeyReader(key).ReadUint64(&sequence);
        if (sequence >= end) return false;
        v1::StoredChange change;
        if (change.ParseFromString(std::string(value))) {
          keys.push_back(HistoryKey(change.event().resource_name(), sequence));
        }
        return true;
      }));
  return keys;
}

absl::Status ChangeLogTrimmer::ExpireRequestIds() {
  const int64_t expired_before =
      absl::ToUnixMicros(options_.clock->Now() - options_.request_id_ttl);
  storage::ReadView::ScanOptions scan;
  scan.prefix = RequestPrefix();
  scan.resume_after = request_cursor_;
  std::vector<std::string> expired;
  std::string cursor;
  uint64_t scanned = 0;
  bool reached_end = true;
  PSC_RETURN_IF_ERROR(store_->Snapshot()->Scan(
      storage::Family::kMeta, scan, [&](absl::string_view key, absl::string_view value) {
        std::string fingerprint, resource;
        int64_t created = 0;
        if (!ParseRequestValue(value, &fingerprint, &resource, &created) ||
            created < expired_before) {
          expired.emplace_back(key);
        }
        cursor = std::string(key);
        if (++scanned < kMaxTrimPerRound) return true;
        reached_end = false;
        return false;
      }));
  request_cursor_ = reached_end ? "" : cursor;  // after the end, the next round starts over
  if (expired.empty()) return absl::OkStatus();
  // Metadata only: no change-log entry, no sequence.
  return store_
      ->CommitAndWait([&expired](storage::WriteTxn& txn) {
        for (const std::string& key : expired) txn.Delete(storage::Family::kMeta, key);
        return absl::OkStatus();
      })
      .status();
}

void ChangeLogTrimmer::Run(StoppableThread& self) {
  while (self.WaitFor(options_.interval)) {
    absl::Status trimmed =
        CatchExceptions("change log trimming", [this] { return TrimOnce().status(); });
    if (!trimmed.ok()) LogError(absl::StrCat("change log trim failed: ", trimmed.message()));
  }
}

}  // namespace psc::registry
