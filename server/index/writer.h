#pragma once
// The index's single Xapian writer. Internal to server/index; not thread-safe (SearchIndex
// serialises its use).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/index/facet_table.h"
#include "server/index/search_index.h"
#include "xapian.h"

namespace psc::index {

// Below this much free space the index writes nothing (UNAVAILABLE, retried by its caller):
// Xapian at ENOSPC can end the process (std::terminate from within a commit), and the index is
// derived data that catches up once space returns.
inline constexpr uint64_t kIndexMinFreeBytes = 16 << 20;

class Writer {
 public:
  // Opens or creates the database at `path`; an unreadable or outdated one is recreated.
  static absl::StatusOr<std::unique_ptr<Writer>> Open(const std::string& path);

  // Applies `changes` and records `sequence`, in one commit. On a Xapian error (a full disk,
  // say) nothing is applied and the database is closed; the next call reopens it first (an
  // error while that fails), so the index recovers by itself once the cause is gone. With less
  // than kIndexMinFreeBytes free, nothing is tried: UNAVAILABLE.
  absl::Status Apply(const std::vector<Change>& changes, uint64_t sequence);
  absl::Status Reset();
  uint64_t last_sequence() const;
  // 0 while the database is closed after an error.
  uint64_t document_count() const;
  // The facet table of the last commit, and that commit's revision (what a reader that opens
  // the database now sees).
  const std::shared_ptr<const FacetTable>& facets() const { return facets_; }
  Xapian::rev revision() const { return revision_; }

 private:
  Writer(std::string path, Xapian::WritableDatabase db);
  Xapian::Document Build(const Document& document);

  std::string path_;
  Xapian::WritableDatabase db_;
  bool broken_ = false;  // db_ was closed after an error: reopen before writing
  std::shared_ptr<const FacetTable> facets_;
  Xapian::rev revision_ = 0;
  Xapian::TermGenerator generator_;
};

}  // namespace psc::index
