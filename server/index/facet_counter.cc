#include "server/index/facet_counter.h"

#include "absl/strings/str_split.h"

namespace psc::index {

void FacetCounter::operator()(const Xapian::Document& doc, double) {
  const std::string values = doc.get_value(slot_);
  if (values.empty()) return;
  for (absl::string_view value : absl::StrSplit(values, '\n')) ++counts_[std::string(value)];
}

}  // namespace psc::index
