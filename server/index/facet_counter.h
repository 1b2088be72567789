#pragma once
// Counts the values of a facet over every matching document. Internal to server/index.

#include <map>
#include <string>

#include "xapian.h"

namespace psc::index {

// Like Xapian::ValueCountMatchSpy, but a slot may hold several values separated by '\n' (an
// expert has several skills, an initiative several collaboratives) and each is counted.
class FacetCounter : public Xapian::MatchSpy {
 public:
  explicit FacetCounter(Xapian::valueno slot) : slot_(slot) {}
  void operator()(const Xapian::Document& doc, double weight) override;
  std::string name() const override { return "psc.FacetCounter"; }
  const std::map<std::string, uint64_t>& counts() const { return counts_; }

 private:
  Xapian::valueno slot_;
  std::map<std::string, uint64_t> counts_;
};

}  // namespace psc::index
