#pragma once
// Keeps the search index (server/index) up to date with the change log: on start it catches up
// from the log, or rebuilds from the records when the index is empty, ahead of the store or
// older than the retained log; then it follows commits on its own thread.

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "server/index/search_index.h"
#include "server/registry/feed/change_feed.h"
#include "server/registry/feed/commit_follower.h"
#include "server/registry/records/registry.h"

namespace psc::registry {

class SearchIndexer {
 public:
  // Starts the indexing thread. All three must outlive the indexer.
  SearchIndexer(const Registry* registry, const ChangeFeed* feed, index::SearchIndex* index);

  // Tells the indexer that changes up to `last_sequence` are committed. Never blocks; call it
  // from the store's commit listener.
  void OnCommit(uint64_t last_sequence) { follower_.OnCommit(last_sequence); }

 private:
  // Applies every logged change after the index's sequence, in batches.
  absl::Status CatchUp();
  // Re-indexes every record, then catches up from the sequence the listing started at.
  absl::Status Rebuild();
  bool NeedsRebuild() const;
  bool stopping() const { return follower_.stopping(); }
  // The index document of a resource (an expert's with its free days this month).
  index::Document DocumentOf(const RecordKind& kind,
                             const google::protobuf::Message& resource) const;
  // The index change for one change-log event, or nullopt when it changes nothing searchable.
  std::optional<index::Change> ChangeOf(const v1::ChangeEvent& event) const;

  const Registry* registry_;
  const ChangeFeed* feed_;
  index::SearchIndex* index_;
  CommitFollower follower_;  // last: its thread starts once the rest is set
};

}  // namespace psc::registry
