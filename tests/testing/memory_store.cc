#include "tests/testing/memory_store.h"

#include "server/storage/keys.h"

namespace psc::testing {
namespace {

using storage::Family;

// Visits the keys of `table` from `options`, in order, as ReadView::Scan does.
absl::Status ScanTable(const MemoryStore::Table& table,
                       const storage::ReadView::ScanOptions& options,
                       storage::ReadView::Visitor visit) {
  auto matches = [&](const std::string& key) {
    return key.compare(0, options.prefix.size(), options.prefix) == 0;
  };
  if (!options.reverse) {
    auto it = options.resume_after.empty() ? table.lower_bound(options.prefix)
                                           : table.upper_bound(options.resume_after);
    for (; it != table.end() && matches(it->first); ++it) {
      if (!visit(it->first, it->second)) break;
    }
    return absl::OkStatus();
  }
  auto end = options.resume_after.empty()
                 ? (storage::PrefixSuccessor(options.prefix).empty()
                        ? table.end()
                        : table.lower_bound(storage::PrefixSuccessor(options.prefix)))
                 : table.lower_bound(options.resume_after);
  for (auto it = std::make_reverse_iterator(end); it != table.rend() && matches(it->first); ++it) {
    if (!visit(it->first, it->second)) break;
  }
  return absl::OkStatus();
}

class MemoryReadView final : public storage::ReadView {
 public:
  explicit MemoryReadView(std::shared_ptr<const MemoryStore::State> state)
      : state_(std::move(state)) {}

  absl::StatusOr<std::optional<std::string>> Get(Family family,
                                                 absl::string_view key) const override {
    const auto& table = state_->families[static_cast<int>(family)];
    auto it = table.find(std::string(key));
    if (it == table.end()) return std::nullopt;
    return it->second;
  }
  absl::Status Scan(Family family, const ScanOptions& options, Visitor visit) const override {
    return ScanTable(state_->families[static_cast<int>(family)], options, visit);
  }
  uint64_t sequence() const override { return state_->last_sequence; }

 private:
  std::shared_ptr<const MemoryStore::State> state_;
};

// Reads and writes a private copy of the state, which replaces the store's on commit.
class MemoryWriteTxn final : public storage::WriteTxn {
 public:
  explicit MemoryWriteTxn(MemoryStore::State* working)
      : WriteTxn(working->last_sequence + 1), working_(working) {}

  absl::StatusOr<std::optional<std::string>> Get(Family family, absl::string_view key) override {
    const auto& table = working_->families[static_cast<int>(family)];
    auto it = table.find(std::string(key));
    if (it == table.end()) return std::nullopt;
    return it->second;
  }
  absl::Status Scan(
      Family family, absl::string_view prefix,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) override {
    storage::ReadView::ScanOptions options;
    options.prefix = std::string(prefix);
    return ScanTable(working_->families[static_cast<int>(family)], options, visit);
  }

 protected:
  void DoPut(Family family, absl::string_view key, absl::string_view value) override {
    working_->families[static_cast<int>(family)][std::string(key)] = std::string(value);
  }
  void DoDelete(Family family, absl::string_view key) override {
    working_->families[static_cast<int>(family)].erase(std::string(key));
  }

 private:
  MemoryStore::State* working_;
};

}  // namespace

std::shared_ptr<const MemoryStore::State> MemoryStore::state() const {
  MutexLock lock(&mu_);
  return state_;
}

void MemoryStore::Commit(storage::Mutation mutation, storage::CommitCallback done) {
  MutexLock commit(&commit_mu_);
  absl::Status refused;
  {
    MutexLock lock(&mu_);
    if (shut_down_) refused = absl::UnavailableError("the store is shutting down");
    if (refused.ok()) refused = fail_;
  }
  if (!refused.ok()) return std::move(done)(refused);
  auto working = std::make_shared<State>(*state());
  MemoryWriteTxn txn(working.get());
  absl::Status status = mutation(txn);
  if (status.ok() && txn.wrote_logged() && txn.changes().empty()) {
    status = absl::InternalError("mutation wrote without a change-log entry");
  }
  if (!status.ok()) return std::move(done)(status);
  uint64_t sequence = working->last_sequence;
  for (const std::string& change : txn.changes()) {
    working->families[static_cast<int>(Family::kChangeLog)][storage::ChangeLogKey(++sequence)] =
        change;
  }
  const bool logged = sequence != working->last_sequence;
  working->last_sequence = sequence;
  {
    MutexLock lock(&mu_);
    state_ = std::move(working);
  }
  std::move(done)(logged ? sequence : 0);
  if (logged) {
    MutexLock lock(&listener_mu_);
    if (listener_) listener_(sequence);
  }
}

std::unique_ptr<storage::ReadView> MemoryStore::Snapshot() const {
  return std::make_unique<MemoryReadView>(state());
}

uint64_t MemoryStore::last_sequence() const { return state()->last_sequence; }

void MemoryStore::SetCommitListener(std::function<void(uint64_t)> listener) {
  MutexLock lock(&listener_mu_);
  listener_ = std::move(listener);
}

absl::Status MemoryStore::TrimChangeLog(uint64_t first_kept,
                                        const std::vector<std::string>& index_keys) {
  MutexLock commit(&commit_mu_);
  auto working = std::make_shared<State>(*state());
  if (first_kept <= working->first_retained) return absl::OkStatus();
  first_kept = std::min(first_kept, working->last_sequence + 1);
  auto& log = working->families[static_cast<int>(Family::kChangeLog)];
  log.erase(log.begin(), log.lower_bound(storage::ChangeLogKey(first_kept)));
  working->first_retained = first_kept;
  for (const std::string& key : index_keys) {
    working->families[static_cast<int>(Family::kIndex)].erase(key);
  }
  MutexLock lock(&mu_);
  state_ = std::move(working);
  return absl::OkStatus();
}

uint64_t MemoryStore::first_retained_sequence() const { return state()->first_retained; }

void MemoryStore::Shutdown() {
  MutexLock lock(&mu_);
  shut_down_ = true;
}

size_t MemoryStore::KeyCount(storage::Family family) const {
  return state()->families[static_cast<int>(family)].size();
}

void MemoryStore::FailCommits(absl::Status status) {
  MutexLock lock(&mu_);
  fail_ = std::move(status);
}

}  // namespace psc::testing
