#include "server/index/facet_counter.h"

#include "absl/strings/str_split.h"
#include "server/index/schema.h"

namespace psc::index {

void FacetCounter::operator()(const Xapian::Document& doc, double) {
  const std::string values = doc.get_value(schema::kFacetSlot);
  if (values.empty()) return;
  for (absl::string_view line : absl::StrSplit(values, '\n')) {
    const size_t facet = static_cast<size_t>(line[0] - '0');  // the writer's, never empty
    if (facet < counts_.size()) ++counts_[facet][std::string(line.substr(1))];
  }
}

}  // namespace psc::index
