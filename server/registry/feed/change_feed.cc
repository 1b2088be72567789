#include "server/registry/feed/change_feed.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/errors.h"
#include "server/common/status_macros.h"
#include "server/common/utf8.h"
#include "server/registry/access/access_policy.h"
#include "server/registry/kinds/kind_table.h"
#include "server/registry/records/list_query.h"
#include "server/storage/keys.h"

namespace psc::registry {
namespace {

constexpr int kScanLimit = 10000;
// How long a replica waits to apply a cursor another replica's commit took, before asking
// the caller to retry.
constexpr absl::Duration kReplicaWait = absl::Seconds(2);

}  // namespace

absl::Status CursorExpired(uint64_t after, uint64_t oldest) {
  return Error(absl::StatusCode::kOutOfRange, "CURSOR_EXPIRED",
               absl::StrCat("changes after ", after,
                            " are no longer retained; the oldest retained sequence is ", oldest,
                            ": list again, then watch from the list's sequence"),
               {}, {{"oldest_retained_sequence", absl::StrCat(oldest)}});
}

absl::Status StoreChangeFeed::CheckCursor(uint64_t after,
                                          const std::vector<std::string>& kinds) const {
  for (const std::string& kind : kinds) {
    if (KindForCollection(kind) == nullptr) {
      return ArgumentError("kinds", "INVALID_KIND",
                           absl::StrCat("\"", CharacterPrefix(kind, 100), "\" is not one of ",
                                        CollectionList(EveryKind())));
    }
  }
  if (absl::Status committed = store_->AwaitSequence(after, absl::Now() + kReplicaWait);
      !committed.ok()) {
    if (committed.code() == absl::StatusCode::kOutOfRange) {
      return ArgumentError(
          "after_sequence", "CURSOR_AHEAD",
          absl::StrCat(after, " is beyond the newest sequence ", store_->last_sequence()));
    }
    // Committed through another replica, not yet applied by this one.
    return RetryLater(absl::StatusCode::kUnavailable, "REPLICA_BEHIND", committed.message(),
                      absl::Milliseconds(500));
  }
  const uint64_t oldest = store_->first_retained_sequence();
  if (after + 1 < oldest) return CursorExpired(after, oldest);
  return absl::OkStatus();
}

absl::StatusOr<FeedPage> StoreChangeFeed::Read(const Caller& caller, uint64_t after,
                                               const std::vector<std::string>& kinds,
                                               int limit) const {
  PSC_RETURN_IF_ERROR(CheckCursor(after, kinds));
  std::unique_ptr<storage::ReadView> view = store_->Snapshot();
  FeedPage page;
  page.current = view->sequence();
  page.scanned_to = after;
  storage::ReadView::ScanOptions scan;
  if (after > 0) scan.resume_after = storage::ChangeLogKey(after);
  int scanned = 0;
  size_t bytes = 0;
  absl::Status status;
  PSC_RETURN_IF_ERROR(view->Scan(
      storage::Family::kChangeLog, scan, [&](absl::string_view key, absl::string_view value) {
        uint64_t sequence = 0;
        storage::KeyReader(key).ReadUint64(&sequence);
        if (sequence != page.scanned_to + 1) {  // trimmed under us: a gap would follow
          status = CursorExpired(after, store_->first_retained_sequence());
          return false;
        }
        v1::StoredChange change;
        if (!change.ParseFromString(std::string(value))) {
          status = absl::InternalError(absl::StrCat("corrupt change ", sequence));
          return false;
        }
        const RecordKind* kind = KindOfName(change.event().resource_name());
        bool wanted = kind != nullptr &&
                      (kinds.empty() ||
                       std::find(kinds.begin(), kinds.end(), kind->collection()) != kinds.end());
        if (wanted) {
          if (auto event = FeedEventFor(caller, *kind, change)) {
            const size_t size = event->ByteSizeLong();
            if (!page.events.empty() && bytes + size > kPageByteBudget) return false;  // next page
            bytes += size;
            page.events.push_back(*std::move(event));
          }
        }
        page.scanned_to = sequence;
        return static_cast<int>(page.events.size()) < limit && ++scanned < kScanLimit;
      }));
  PSC_RETURN_IF_ERROR(status);
  return page;
}

}  // namespace psc::registry
