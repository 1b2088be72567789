#pragma once
// A thread that keeps something up to date with the change log (the search index, the reports'
// totals): `first` runs once at start, then `next` whenever a commit goes beyond what it has
// applied; after an error, `next` runs again a second later. Both should return soon after
// stopping() turns true.

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "server/common/mutex.h"

namespace psc::registry {

class CommitFollower {
 public:
  struct Steps {
    std::string what;                     // names the follower in the log ("search index")
    std::function<uint64_t()> position;   // the last sequence applied; thread-safe
    std::function<absl::Status()> first;  // on start: catch up, or build from the records
    std::function<absl::Status()> next;   // after a commit, or a second after an error
  };

  // Starts the thread; `committed` is the last committed sequence now.
  CommitFollower(Steps steps, uint64_t committed);
  // Stops the thread (after the step in hand).
  ~CommitFollower();

  // Tells the follower that changes up to `last_sequence` are committed. Never blocks; call it
  // from the store's commit listener.
  void OnCommit(uint64_t last_sequence);
  // Whether the follower is being stopped.
  bool stopping() const;

 private:
  void Run();

  const Steps steps_;
  mutable Mutex mu_;
  CondVar wake_;
  uint64_t committed_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace psc::registry
