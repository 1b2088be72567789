#include "server/service/calls/call_limits.h"

#include "absl/strings/str_cat.h"
#include "server/common/errors.h"

namespace psc::service {

absl::StatusOr<CallLimits::Slot> CallLimits::Admit(const Caller& caller, Cost cost, int writes) {
  if (cost == Cost::kRead) return nullptr;
  if (caller.role == registry::v1::ADMIN && !options_.limit_admins) return nullptr;
  const absl::Time now = clock_->Now();
  MutexLock lock(&mu_);
  Usage& usage = usage_[caller.identity];
  if (cost == Cost::kWrite) {
    if (options_.writes_per_second <= 0) return nullptr;
    if (!usage.writes) usage.writes.emplace(options_.writes_per_second, options_.write_burst, now);
    if (usage.writes->Take(now, writes)) return nullptr;
    const absl::Duration wait = usage.writes->WaitForOne();
    return RetryLater(absl::StatusCode::kResourceExhausted, "RATE_LIMITED",
                      absl::StrCat(caller.identity, " may make ", options_.writes_per_second,
                                   " writes a second (bursts of ", options_.write_burst,
                                   "); retry in ", absl::FormatDuration(wait)),
                      wait);
  }
  if (options_.max_expensive_calls <= 0) return nullptr;
  if (usage.expensive >= options_.max_expensive_calls) {
    return RetryLater(absl::StatusCode::kResourceExhausted, "RATE_LIMITED",
                      absl::StrCat(caller.identity, " already has ", usage.expensive,
                                   " searches, reports or listings running; retry when one ends"),
                      absl::Milliseconds(100));
  }
  ++usage.expensive;
  return Slot(static_cast<void*>(this),
              [this, identity = caller.identity](void*) { Release(identity); });
}

void CallLimits::Release(const std::string& identity) {
  MutexLock lock(&mu_);
  auto it = usage_.find(identity);
  if (it != usage_.end() && it->second.expensive > 0) --it->second.expensive;
}

}  // namespace psc::service
