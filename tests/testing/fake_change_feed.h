#pragma once
// A registry::ChangeFeed for unit tests: serves the events a test appends, trims when told, and
// can fail its reads. It filters by kind but not by role: every caller sees every event, with
// `actor` set to the caller's role name (e.g. "READER") so tests can tell whose view they got.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/errors.h"
#include "server/common/mutex.h"
#include "server/registry/feed/change_feed.h"
#include "server/registry/kinds/kind_table.h"

namespace psc::testing {

class FakeChangeFeed final : public registry::ChangeFeed {
 public:
  // Appends `event` under the next sequence (set on it) and returns that sequence.
  uint64_t Append(registry::v1::ChangeEvent event) {
    MutexLock lock(&mu_);
    event.set_sequence(first_ + events_.size());
    events_.push_back(std::move(event));
    return events_.back().sequence();
  }
  // An UPDATED event of the resource `name`.
  uint64_t AppendUpdate(const std::string& name) {
    registry::v1::ChangeEvent event;
    event.set_resource_name(name);
    event.set_change_type(registry::v1::UPDATED);
    return Append(std::move(event));
  }
  // Forgets the events before `first_kept`.
  void Trim(uint64_t first_kept) {
    MutexLock lock(&mu_);
    while (first_ < first_kept && !events_.empty()) {
      events_.erase(events_.begin());
      ++first_;
    }
  }
  // Fails every later Read with `status` (OK restores reads).
  void FailReads(absl::Status status) {
    MutexLock lock(&mu_);
    fail_ = std::move(status);
  }

  absl::Status CheckCursor(uint64_t after, const std::vector<std::string>& kinds) const override {
    MutexLock lock(&mu_);
    return CheckLocked(after, kinds);
  }

  absl::StatusOr<registry::FeedPage> Read(const Caller& caller, uint64_t after,
                                          const std::vector<std::string>& kinds,
                                          int limit) const override {
    MutexLock lock(&mu_);
    if (!fail_.ok()) return fail_;
    if (absl::Status s = CheckLocked(after, kinds); !s.ok()) return s;
    registry::FeedPage page;
    page.current = LastLocked();
    page.scanned_to = after;
    for (uint64_t s = after + 1; s <= page.current && static_cast<int>(page.events.size()) < limit;
         ++s) {
      const registry::v1::ChangeEvent& event = events_[s - first_];
      const registry::RecordKind* kind = registry::KindOfName(event.resource_name());
      bool wanted = kinds.empty();
      for (const std::string& k : kinds) {
        wanted = wanted || (kind != nullptr && kind->collection() == k);
      }
      if (wanted) {
        page.events.push_back(event);
        page.events.back().set_actor(registry::v1::Role_Name(caller.role));
      }
      page.scanned_to = s;
    }
    return page;
  }

  uint64_t last_sequence() const override {
    MutexLock lock(&mu_);
    return LastLocked();
  }

 private:
  uint64_t LastLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return first_ + events_.size() - 1;
  }
  absl::Status CheckLocked(uint64_t after, const std::vector<std::string>& kinds) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const std::string& kind : kinds) {
      if (registry::KindForCollection(kind) == nullptr) {
        return Error(absl::StatusCode::kInvalidArgument, "INVALID_KIND", "unknown kind " + kind);
      }
    }
    if (after > LastLocked()) {
      return Error(absl::StatusCode::kInvalidArgument, "CURSOR_AHEAD",
                   absl::StrCat(after, " is beyond ", LastLocked()));
    }
    if (after + 1 < first_) return registry::CursorExpired(after, first_);
    return absl::OkStatus();
  }

  mutable Mutex mu_;
  uint64_t first_ ABSL_GUARDED_BY(mu_) = 1;  // the sequence of events_[0]
  std::vector<registry::v1::ChangeEvent> events_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_ ABSL_GUARDED_BY(mu_);
};

}  // namespace psc::testing
