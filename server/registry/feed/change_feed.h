#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "psc/registry/v1/change.pb.h"
#include "server/common/caller.h"
#include "server/storage/store.h"

namespace psc::registry {

struct FeedPage {
  std::vector<v1::ChangeEvent> events;  // in sequence order, as the caller may see them
  uint64_t scanned_to = 0;  // the cursor to continue from: every change up to it was considered
  uint64_t current = 0;     // the last committed sequence when the page was read
};

// Reads the change log as a feed (DESIGN.md section 5): ordered, without gaps or duplicates,
// resumable from any retained sequence, filtered by kind and by what the caller may see.
// Thread-safe; reads take no locks.
class ChangeFeed {
 public:
  explicit ChangeFeed(storage::Store* store) : store_(store) {}

  // Checks a cursor and a kind filter: OUT_OF_RANGE, reason CURSOR_EXPIRED (with metadata
  // oldest_retained_sequence), when changes after `after` are no longer retained;
  // INVALID_ARGUMENT, reason CURSOR_AHEAD, when `after` is beyond the newest sequence;
  // INVALID_ARGUMENT, reason INVALID_KIND, for an unknown kind.
  absl::Status CheckCursor(uint64_t after, const std::vector<std::string>& kinds) const;

  // Up to `limit` events after `after` (scanning at most 10,000 entries per call).
  absl::StatusOr<FeedPage> Read(const Caller& caller, uint64_t after,
                                const std::vector<std::string>& kinds, int limit) const;

  uint64_t last_sequence() const { return store_->last_sequence(); }

 private:
  storage::Store* store_;
};

}  // namespace psc::registry
