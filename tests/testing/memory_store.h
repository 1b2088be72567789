#pragma once
// An in-memory storage::Store for unit tests: the same contract as the RocksDB store (atomic
// mutations, gapless sequences, a change log that trims, snapshots, a commit listener), without
// a disk. Each mutation is its own group and runs, with its callback, on the calling thread.

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "server/common/mutex.h"
#include "server/storage/store.h"

namespace psc::testing {

class MemoryStore final : public storage::Store {
 public:
  // The keys and values of one column family.
  using Table = std::map<std::string, std::string>;
  struct State {
    std::array<Table, storage::kFamilyCount> families;
    uint64_t last_sequence = 0;
    uint64_t first_retained = 1;
  };

  MemoryStore() : state_(std::make_shared<const State>()) {}

  void Commit(storage::Mutation mutation, storage::CommitCallback done) override;
  std::unique_ptr<storage::ReadView> Snapshot() const override;
  uint64_t last_sequence() const override;
  void SetCommitListener(std::function<void(uint64_t)> listener) override;
  absl::Status TrimChangeLog(uint64_t first_kept,
                             const std::vector<std::string>& index_keys) override;
  uint64_t first_retained_sequence() const override;
  void Shutdown() override;

  // How many keys a family holds now.
  size_t KeyCount(storage::Family family) const;
  // Fails every later commit with `status` (e.g. a full disk); OK restores them.
  void FailCommits(absl::Status status);

 private:
  std::shared_ptr<const State> state() const;

  Mutex commit_mu_;  // one mutation at a time, as the committer runs them
  mutable Mutex mu_;
  std::shared_ptr<const State> state_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status fail_ ABSL_GUARDED_BY(mu_);
  Mutex listener_mu_;
  std::function<void(uint64_t)> listener_ ABSL_GUARDED_BY(listener_mu_);
};

}  // namespace psc::testing
