#pragma once
// Every document's facet values, in memory, as small ids by docid: what makes exact facet counts
// cheap. Internal to server/index.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "xapian.h"

namespace psc::index {

// Immutable: the writer makes a new table for each commit (With), sharing every chunk of
// documents the commit did not touch, and a search uses the table of the revision its reader
// has open, so its counts are exact for what it matched. Thread-safe (nothing changes).
//
// Reading the facet slot from Xapian instead costs a B-tree lookup or a value-stream chunk per
// matching document (half of a search's time at 100,000 records); this costs an array lookup.
// Memory: 4 bytes per facet value of each document plus 4 per docid (about 24 MB at 1,000,000
// records of 5 values each) and one copy of each distinct value.
class FacetTable {
 public:
  // A document's facet values as the writer stores them in schema::kFacetSlot: one per line,
  // each after its facet's index ("0initiatives\n2collaboratives/wessex"); "" for none.
  using Update = std::pair<Xapian::docid, std::string>;

  static std::shared_ptr<const FacetTable> Empty();
  // The facet values of every document of `db`, read from its facet value stream.
  static std::shared_ptr<const FacetTable> Load(const Xapian::Database& db);

  // This table with each update's document set to its values ("": removed). Updates apply in
  // order; a docid may appear more than once.
  std::shared_ptr<const FacetTable> With(const std::vector<Update>& updates) const;

  // The value ids of `doc`'s facet values; empty for an unknown docid.
  absl::Span<const uint32_t> ValuesOf(Xapian::docid doc) const;
  // Ids are 0..value_count()-1.
  size_t value_count() const { return dictionary_->values.size(); }
  // The value with `id`, as a line of the slot: its facet's index, then the value.
  const std::string& value(uint32_t id) const { return dictionary_->values[id]; }

 private:
  static constexpr Xapian::docid kChunkDocs = 256;
  // The values of kChunkDocs consecutive docids: doc i's ids are ids[begin[i]..begin[i+1]).
  struct Chunk {
    std::array<uint32_t, kChunkDocs + 1> begin{};
    std::vector<uint32_t> ids;
  };
  struct Dictionary {
    std::vector<std::string> values;
    absl::flat_hash_map<std::string, uint32_t> ids;
  };

  std::vector<std::shared_ptr<const Chunk>> chunks_;  // chunk c: docids c*256 .. c*256+255
  std::shared_ptr<const Dictionary> dictionary_;
};

}  // namespace psc::index
