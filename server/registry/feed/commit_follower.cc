#include "server/registry/feed/commit_follower.h"

#include "absl/strings/str_cat.h"
#include "server/common/catch_exceptions.h"
#include "server/common/log.h"

namespace psc::registry {

CommitFollower::CommitFollower(Steps steps, uint64_t committed)
    : steps_(std::move(steps)), committed_(committed) {
  thread_ = std::thread([this] { Run(); });
}

CommitFollower::~CommitFollower() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
    wake_.SignalAll();
  }
  thread_.join();
}

void CommitFollower::OnCommit(uint64_t last_sequence) {
  MutexLock lock(&mu_);
  committed_ = last_sequence;
  wake_.Signal();
}

bool CommitFollower::stopping() const {
  MutexLock lock(&mu_);
  return stop_;
}

void CommitFollower::Run() {
  absl::Status status = CatchExceptions(steps_.what, steps_.first);
  while (true) {
    {
      MutexLock lock(&mu_);
      if (!status.ok()) {
        LogError(absl::StrCat(steps_.what, ": ", status.ToString(), "; retrying in 1 s"));
        const absl::Time retry_at = absl::Now() + absl::Seconds(1);
        while (!stop_ && absl::Now() < retry_at) wake_.WaitWithDeadline(&mu_, retry_at);
      } else {
        while (!stop_ && committed_ <= steps_.position()) wake_.Wait(&mu_);
      }
      if (stop_) return;
    }
    status = CatchExceptions(steps_.what, steps_.next);
  }
}

}  // namespace psc::registry
