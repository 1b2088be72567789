#pragma once
// Index-internal: the Xapian search index (SearchIndex::Open).

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "server/common/mutex.h"
#include "server/index/search_index.h"

namespace psc::index {

class FacetTable;
class ReaderPool;
class Writer;

class XapianIndex final : public SearchIndex {
 public:
  XapianIndex(std::string path, std::unique_ptr<Writer> writer);
  // Closes the index and marks it closed cleanly.
  ~XapianIndex() override;

  absl::Status Apply(const std::vector<Change>& changes, uint64_t sequence) override;
  absl::Status Reset() override;
  uint64_t last_sequence() const override;
  uint64_t document_count() const override;
  bool WaitFor(uint64_t sequence, absl::Time deadline) const override;
  absl::StatusOr<Result> Search(const Query& query) const override;

 private:
  // Keeps the writer's facet table for its newest revision (with writer_mu_ held).
  void PublishFacets() ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_);
  // The facet table of `revision`, or null when it is no longer kept.
  std::shared_ptr<const FacetTable> FacetsAt(uint64_t revision) const;

  const std::string path_;
  mutable Mutex writer_mu_;  // the writer is one Xapian handle: one thread at a time
  std::unique_ptr<Writer> writer_ ABSL_GUARDED_BY(writer_mu_);
  std::unique_ptr<ReaderPool> readers_;
  mutable Mutex mu_;
  mutable CondVar applied_cv_;
  uint64_t applied_ ABSL_GUARDED_BY(mu_) = 0;
  // The facet tables of the last few revisions, oldest first: a reader opens the newest
  // revision, which may be a commit or two behind the writer by the time it counts.
  std::deque<std::pair<uint64_t, std::shared_ptr<const FacetTable>>> facets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace psc::index
