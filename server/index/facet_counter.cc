#include "server/index/facet_counter.h"

#include <algorithm>

#include "server/index/schema.h"

namespace psc::index {

FacetCounter::FacetCounter(const Xapian::Database& db, std::shared_ptr<const FacetTable> table,
                           size_t facets)
    : db_(db), table_(std::move(table)), counts_(facets) {
  if (table_ != nullptr) {
    by_id_.resize(table_->value_count());
  } else {
    values_ = db.valuestream_begin(schema::kFacetSlot);
  }
}

void FacetCounter::Count(Xapian::docid id) {
  ++documents_;
  if (table_ != nullptr) {
    for (uint32_t value : table_->ValuesOf(id)) ++by_id_[value];
    return;
  }
  // Only a matcher that went back (never seen with one database) needs a new stream.
  if (id <= last_) values_ = db_.valuestream_begin(schema::kFacetSlot);
  last_ = id;
  const Xapian::ValueIterator end = db_.valuestream_end(schema::kFacetSlot);
  if (values_ != end && values_.get_docid() < id) values_.skip_to(id);
  if (values_ == end || values_.get_docid() != id) return;  // no facet value
  const std::string values = *values_;
  for (size_t start = 0; start < values.size();) {
    size_t stop = values.find('\n', start);
    if (stop == std::string::npos) stop = values.size();
    CountLine(absl::string_view(values.data() + start, stop - start));
    start = stop + 1;
  }
}

void FacetCounter::CountLine(absl::string_view line) {
  if (line.empty()) return;
  const size_t facet = static_cast<size_t>(line[0] - '0');  // the writer's own digit
  if (facet >= counts_.size()) return;
  auto& counts = counts_[facet];
  const absl::string_view value = line.substr(1);
  auto it = counts.find(value);
  if (it == counts.end()) it = counts.emplace(std::string(value), 0).first;
  ++it->second;
}

std::vector<std::pair<std::string, uint64_t>> FacetCounter::Counts(size_t facet) const {
  std::vector<std::pair<std::string, uint64_t>> out;
  if (table_ != nullptr) {
    for (uint32_t id = 0; id < by_id_.size(); ++id) {
      const std::string& line = table_->value(id);
      if (by_id_[id] > 0 && static_cast<size_t>(line[0] - '0') == facet) {
        out.emplace_back(line.substr(1), by_id_[id]);
      }
    }
  } else {
    out.assign(counts_[facet].begin(), counts_[facet].end());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return out;
}

}  // namespace psc::index
