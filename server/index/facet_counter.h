#pragma once
// Counts the values of every facet over the matching documents Xapian examines. Internal to
// server/index.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "server/index/facet_table.h"
#include "xapian.h"

namespace psc::index {

// Like a Xapian::ValueCountMatchSpy per facet, over the one slot that holds every facet value of
// a document (schema::kFacetSlot); a document may have several values of a facet (an expert has
// several skills, an initiative several collaboratives), each counted.
//
// With the FacetTable of the revision `db` has open, a document costs an array lookup. Without
// one (a reader that opened a revision whose table is no longer kept), it reads the slot's value
// stream with one iterator moved forward (the matcher visits documents in increasing docid
// order): exact too, and several times slower.
class FacetCounter : public Xapian::MatchSpy {
 public:
  // `table` may be null; it must be the table of db's open revision otherwise.
  FacetCounter(const Xapian::Database& db, std::shared_ptr<const FacetTable> table, size_t facets);
  void operator()(const Xapian::Document& doc, double weight) override { Count(doc.get_docid()); }
  // Counts document `id`; ids must come in increasing order, as the matcher's do.
  void Count(Xapian::docid id);
  std::string name() const override { return "psc.FacetCounter"; }
  // (value, documents) for the facet kFacetFields[facet]: most frequent first, ties by value.
  std::vector<std::pair<std::string, uint64_t>> Counts(size_t facet) const;
  // The documents counted.
  uint64_t documents() const { return documents_; }

 private:
  void CountLine(absl::string_view line);

  const Xapian::Database& db_;
  const std::shared_ptr<const FacetTable> table_;
  uint64_t documents_ = 0;
  std::vector<uint64_t> by_id_;  // with table_: value id -> documents
  // Without table_:
  Xapian::ValueIterator values_;
  Xapian::docid last_ = 0;
  std::vector<absl::flat_hash_map<std::string, uint64_t>> counts_;
};

}  // namespace psc::index
