#pragma once
// Counts the values of every facet over the matching documents Xapian examines. Internal to
// server/index.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "xapian.h"

namespace psc::index {

// Like a Xapian::ValueCountMatchSpy per facet, over the one slot that holds every facet value of
// a document (schema::kFacetSlot); a document may have several values of a facet (an expert has
// several skills, an initiative several collaboratives), each counted.
class FacetCounter : public Xapian::MatchSpy {
 public:
  explicit FacetCounter(size_t facets) : counts_(facets) {}
  void operator()(const Xapian::Document& doc, double weight) override;
  std::string name() const override { return "psc.FacetCounter"; }
  // Value -> documents, for the facet kFacetFields[facet].
  const std::map<std::string, uint64_t>& counts(size_t facet) const { return counts_[facet]; }

 private:
  std::vector<std::map<std::string, uint64_t>> counts_;
};

}  // namespace psc::index
