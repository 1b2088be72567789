#pragma once
// The full-text index (docs/architecture.md): derived from the change log and rebuildable from
// it. It records the last change-log sequence it applied, in the same commit as the documents,
// so that after a restart it resumes where it stopped. The interface other layers program
// against; Open() gives the Xapian index, tests/testing/memory_index.h an in-memory one.

#include <cstdint>
#include <memory>
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

// Thread-safe. Apply and Reset are for one writer thread at a time; any number of threads
// may Search and WaitFor concurrently with it.
class SearchIndex {
 public:
  // Opens the Xapian index at `path`, creating it when missing. An index that cannot be opened
  // (corrupt, another format, written by an older schema, or not closed cleanly: it commits
  // without fsync) is discarded and recreated empty, with a warning; last_sequence() is then 0
  // and the caller rebuilds it.
  static absl::StatusOr<std::unique_ptr<SearchIndex>> Open(const std::string& path);
  // Closes the index (the Xapian one marks itself closed cleanly).
  virtual ~SearchIndex() = default;

  // Writes `changes` and records `sequence` as applied, atomically. INTERNAL on an index error.
  virtual absl::Status Apply(const std::vector<Change>& changes, uint64_t sequence) = 0;

  // Removes every document and sets the applied sequence to 0.
  virtual absl::Status Reset() = 0;

  // The last change-log sequence applied (0 for an empty index).
  virtual uint64_t last_sequence() const = 0;

  // The number of documents.
  virtual uint64_t document_count() const = 0;

  // Waits until last_sequence() >= sequence; false if `deadline` passes first.
  virtual bool WaitFor(uint64_t sequence, absl::Time deadline) const = 0;

  // Runs `query`. INVALID_ARGUMENT (reason INVALID_QUERY) when its text does not parse.
  virtual absl::StatusOr<Result> Search(const Query& query) const = 0;
};

}  // namespace psc::index
