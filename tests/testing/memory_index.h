#pragma once
// An index::SearchIndex for unit tests: documents in a map, filters applied exactly as the
// Query contract says, text matched word by word (lowercased, no stemming or ranking: hits come
// in id order, each scoring 1). Enough to test what feeds the index and what asks it.

#include <map>
#include <string>

#include "server/common/mutex.h"
#include "server/index/search_index.h"

namespace psc::testing {

class MemoryIndex final : public index::SearchIndex {
 public:
  absl::Status Apply(const std::vector<index::Change>& changes, uint64_t sequence) override;
  absl::Status Reset() override;
  uint64_t last_sequence() const override;
  uint64_t document_count() const override;
  bool WaitFor(uint64_t sequence, absl::Time deadline) const override;
  absl::StatusOr<index::Result> Search(const index::Query& query) const override;

  // The document `id`, or nullopt.
  std::optional<index::Document> Find(const std::string& id) const;
  // How many times Reset() ran (a rebuild starts with one).
  int resets() const;

 private:
  mutable Mutex mu_;
  mutable CondVar applied_cv_;
  std::map<std::string, index::Document> documents_ ABSL_GUARDED_BY(mu_);
  uint64_t applied_ ABSL_GUARDED_BY(mu_) = 0;
  int resets_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace psc::testing
