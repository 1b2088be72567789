#pragma once
// The full-text index (DESIGN.md section 5): a Xapian database under the data dir, derived from
// the change log and rebuildable from it. It records the last change-log sequence it applied,
// in the same commit as the documents, so that after a restart it resumes where it stopped.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/index/document.h"
#include "server/index/query.h"

namespace psc::index {

// A document to write, or (document empty) the id to remove.
struct Change {
  std::string id;
  std::optional<Document> document;
};

class ReaderPool;
class Writer;

// Thread-safe. Apply and Reset are for one writer thread at a time; any number of threads
// may Search and WaitFor concurrently with it.
class SearchIndex {
 public:
  // Opens the index at `path`, creating it when missing. An index that cannot be opened
  // (corrupt, another format, written by an older schema, or not closed cleanly: it commits
  // without fsync) is discarded and recreated empty, with a warning; last_sequence() is then 0
  // and the caller rebuilds it.
  static absl::StatusOr<std::unique_ptr<SearchIndex>> Open(const std::string& path);
  // Closes the index and marks it closed cleanly.
  ~SearchIndex();

  // Writes `changes` and records `sequence` as applied, atomically. INTERNAL on a Xapian error.
  absl::Status Apply(const std::vector<Change>& changes, uint64_t sequence);

  // Removes every document and sets the applied sequence to 0.
  absl::Status Reset();

  // The last change-log sequence applied (0 for an empty index).
  uint64_t last_sequence() const;

  uint64_t document_count() const;

  // Waits until last_sequence() >= sequence; false if `deadline` passes first.
  bool WaitFor(uint64_t sequence, absl::Time deadline) const;

  // Runs `query`. INVALID_ARGUMENT (reason INVALID_QUERY) when its text does not parse.
  absl::StatusOr<Result> Search(const Query& query) const;

 private:
  SearchIndex(std::string path, std::unique_ptr<Writer> writer);

  std::string path_;
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<ReaderPool> readers_;
  mutable std::mutex mu_;
  mutable std::condition_variable applied_cv_;
  uint64_t applied_ = 0;  // guarded by mu_
};

}  // namespace psc::index
