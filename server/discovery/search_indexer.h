#pragma once
// Keeps the search index (server/index) up to date with the change log: on start it catches up
// from the log, or rebuilds from the records when the index is empty, ahead of the store or
// older than the retained log; then it follows commits on its own thread.

#include <cstdint>
#include <optional>
#include <thread>

#include "absl/status/status.h"
#include "server/common/mutex.h"
#include "server/index/search_index.h"
#include "server/registry/feed/change_feed.h"
#include "server/registry/records/registry.h"

namespace psc::registry {

class SearchIndexer {
 public:
  // Starts the indexing thread. All three must outlive the indexer.
  SearchIndexer(const Registry* registry, const ChangeFeed* feed, index::SearchIndex* index);
  // Stops the thread (after the batch in hand).
  ~SearchIndexer();

  // Tells the indexer that changes up to `last_sequence` are committed. Never blocks; call it
  // from the store's commit listener.
  void OnCommit(uint64_t last_sequence);

 private:
  void Run();
  // Applies every logged change after the index's sequence, in batches.
  absl::Status CatchUp();
  // Re-indexes every record, then catches up from the sequence the listing started at.
  absl::Status Rebuild();
  bool NeedsRebuild() const;
  bool stopping() const;
  // The index document of a resource (an expert's with its free days this month).
  index::Document DocumentOf(const RecordKind& kind,
                             const google::protobuf::Message& resource) const;
  // The index change for one change-log event, or nullopt when it changes nothing searchable.
  std::optional<index::Change> ChangeOf(const v1::ChangeEvent& event) const;

  const Registry* registry_;
  const ChangeFeed* feed_;
  index::SearchIndex* index_;
  mutable Mutex mu_;
  CondVar wake_;
  uint64_t committed_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace psc::registry
