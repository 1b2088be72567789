#include "server/registry/feed/change_log_trimmer.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "psc/registry/v1/change.pb.h"
#include "server/common/catch_exceptions.h"
#include "server/common/log.h"
#include "server/storage/keys.h"

namespace psc::registry {
namespace {

constexpr int kMaxScanPerRound = 100000;

}  // namespace

ChangeLogTrimmer::ChangeLogTrimmer(storage::Store* store, RetentionOptions options)
    : store_(store), options_(options) {
  thread_ = std::thread([this] { Run(); });
}

ChangeLogTrimmer::~ChangeLogTrimmer() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    cv_.Signal();
  }
  thread_.join();
}

absl::StatusOr<uint64_t> ChangeLogTrimmer::TrimOnce() {
  const uint64_t last = store_->last_sequence();
  uint64_t first_kept = store_->first_retained_sequence();
  if (options_.max_count > 0 && last > options_.max_count) {
    first_kept = std::max(first_kept, last - options_.max_count + 1);
  }
  // By age: the first entry young enough to keep.
  const int64_t cutoff_micros = absl::ToUnixMicros(absl::Now() - options_.max_age);
  storage::ReadView::ScanOptions scan;
  if (first_kept > 1) scan.resume_after = storage::ChangeLogKey(first_kept - 1);
  int scanned = 0;
  uint64_t by_age = first_kept;
  absl::Status status = store_->Snapshot()->Scan(
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
        return ++scanned < kMaxScanPerRound;
      });
  if (!status.ok()) return status;
  first_kept = std::max(first_kept, by_age);
  if (first_kept > store_->first_retained_sequence()) {
    absl::Status trimmed = store_->TrimChangeLog(first_kept);
    if (!trimmed.ok()) return trimmed;
    LogInfo(absl::StrCat("change log trimmed: oldest retained sequence is now ", first_kept));
  }
  return store_->first_retained_sequence();
}

void ChangeLogTrimmer::Run() {
  while (true) {
    {
      MutexLock lock(&mu_);
      const absl::Time next = absl::Now() + options_.interval;
      while (!stopping_ && absl::Now() < next) cv_.WaitWithDeadline(&mu_, next);
      if (stopping_) return;
    }
    absl::Status trimmed =
        CatchExceptions("change log trimming", [this] { return TrimOnce().status(); });
    if (!trimmed.ok()) LogError(absl::StrCat("change log trim failed: ", trimmed.message()));
  }
}

}  // namespace psc::registry
