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

// Reads the change log as a feed (docs/api.md, "The change feed and the AHSN Atlas"): ordered,
// without gaps or duplicates, resumable from any retained sequence, filtered by kind and by what
// the caller may see; read by the watch hub and the search indexer. StoreChangeFeed reads the
// store, tests/testing/fake_change_feed.h serves events a test appends. Thread-safe.
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;

  // Checks a cursor and a kind filter: OUT_OF_RANGE, reason CURSOR_EXPIRED (with metadata
  // oldest_retained_sequence), when changes after `after` are no longer retained;
  // INVALID_ARGUMENT, reason CURSOR_AHEAD, when `after` is beyond the newest sequence;
  // UNAVAILABLE, reason REPLICA_BEHIND, when another replica committed it and this one has not
  // applied it within 2 s;
  // INVALID_ARGUMENT, reason INVALID_KIND, for an unknown kind.
  virtual absl::Status CheckCursor(uint64_t after, const std::vector<std::string>& kinds) const = 0;

  // Up to `limit` events after `after`, as `caller` may see them (scanning a bounded number of
  // entries per call: scanned_to says how far it got). Errors as for CheckCursor.
  virtual absl::StatusOr<FeedPage> Read(const Caller& caller, uint64_t after,
                                        const std::vector<std::string>& kinds, int limit) const = 0;

  // The last committed sequence.
  virtual uint64_t last_sequence() const = 0;
};

// The change feed of a store's change log. Reads take no locks.
class StoreChangeFeed final : public ChangeFeed {
 public:
  // `store` must outlive the feed.
  explicit StoreChangeFeed(storage::Store* store) : store_(store) {}

  absl::Status CheckCursor(uint64_t after, const std::vector<std::string>& kinds) const override;
  // Scans at most 10,000 entries per call.
  absl::StatusOr<FeedPage> Read(const Caller& caller, uint64_t after,
                                const std::vector<std::string>& kinds, int limit) const override;
  uint64_t last_sequence() const override { return store_->last_sequence(); }

 private:
  storage::Store* store_;
};

// The error of a cursor whose successors are no longer retained (CURSOR_EXPIRED), for feeds.
absl::Status CursorExpired(uint64_t after, uint64_t oldest_retained);

}  // namespace psc::registry
