#include "server/index/facet_table.h"

#include <map>

#include "absl/strings/str_split.h"
#include "server/index/schema.h"

namespace psc::index {

std::shared_ptr<const FacetTable> FacetTable::Empty() {
  auto table = std::make_shared<FacetTable>();
  table->dictionary_ = std::make_shared<Dictionary>();
  return table;
}

std::shared_ptr<const FacetTable> FacetTable::Load(const Xapian::Database& db) {
  std::vector<Update> updates;
  const Xapian::ValueIterator end = db.valuestream_end(schema::kFacetSlot);
  for (Xapian::ValueIterator it = db.valuestream_begin(schema::kFacetSlot); it != end; ++it) {
    updates.emplace_back(it.get_docid(), *it);
  }
  return Empty()->With(updates);
}

std::shared_ptr<const FacetTable> FacetTable::With(const std::vector<Update>& updates) const {
  auto table = std::make_shared<FacetTable>(*this);  // shares every chunk and the dictionary
  std::shared_ptr<Dictionary> dictionary;            // copied once, on the first new value
  auto intern = [&](absl::string_view value) {
    const Dictionary& current = dictionary ? *dictionary : *dictionary_;
    if (auto it = current.ids.find(value); it != current.ids.end()) return it->second;
    if (!dictionary) dictionary = std::make_shared<Dictionary>(*dictionary_);
    const auto id = static_cast<uint32_t>(dictionary->values.size());
    dictionary->values.emplace_back(value);
    dictionary->ids.emplace(std::string(value), id);
    return id;
  };
  // Each touched chunk, unpacked: doc index -> its ids.
  std::map<size_t, std::vector<std::vector<uint32_t>>> touched;
  for (const auto& [doc, values] : updates) {
    const size_t c = doc / kChunkDocs;
    auto [it, fresh] = touched.try_emplace(c);
    if (fresh) {
      it->second.resize(kChunkDocs);
      if (c < chunks_.size() && chunks_[c] != nullptr) {
        const Chunk& old = *chunks_[c];
        for (size_t i = 0; i < kChunkDocs; ++i) {
          it->second[i].assign(old.ids.begin() + old.begin[i], old.ids.begin() + old.begin[i + 1]);
        }
      }
    }
    std::vector<uint32_t>& ids = it->second[doc % kChunkDocs];
    ids.clear();
    for (absl::string_view line : absl::StrSplit(values, '\n', absl::SkipEmpty())) {
      ids.push_back(intern(line));
    }
  }
  for (auto& [c, docs] : touched) {
    auto chunk = std::make_shared<Chunk>();
    for (size_t i = 0; i < kChunkDocs; ++i) {
      chunk->begin[i] = static_cast<uint32_t>(chunk->ids.size());
      chunk->ids.insert(chunk->ids.end(), docs[i].begin(), docs[i].end());
    }
    chunk->begin[kChunkDocs] = static_cast<uint32_t>(chunk->ids.size());
    if (c >= table->chunks_.size()) table->chunks_.resize(c + 1);
    table->chunks_[c] = std::move(chunk);
  }
  if (dictionary) table->dictionary_ = std::move(dictionary);
  return table;
}

absl::Span<const uint32_t> FacetTable::ValuesOf(Xapian::docid doc) const {
  const size_t c = doc / kChunkDocs;
  if (c >= chunks_.size() || chunks_[c] == nullptr) return {};
  const Chunk& chunk = *chunks_[c];
  const size_t i = doc % kChunkDocs;
  return absl::MakeConstSpan(chunk.ids.data() + chunk.begin[i],
                             chunk.begin[i + 1] - chunk.begin[i]);
}

}  // namespace psc::index
