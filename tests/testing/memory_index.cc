#include "tests/testing/memory_index.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace psc::testing {
namespace {

bool HasTerm(const index::Document& d, const index::Term& t) {
  return std::find(d.terms.begin(), d.terms.end(), t) != d.terms.end();
}

bool AnyOf(const index::Document& d, const std::vector<index::Term>& terms) {
  return std::any_of(terms.begin(), terms.end(), [&](const auto& t) { return HasTerm(d, t); });
}

bool AllOf(const index::Document& d, const std::vector<index::Term>& terms) {
  return std::all_of(terms.begin(), terms.end(), [&](const auto& t) { return HasTerm(d, t); });
}

double NumberAt(const index::Document& d, int slot) {
  for (const auto& [s, value] : d.numbers) {
    if (s == slot) return value;
  }
  return 0;
}

bool TextMatches(const index::Document& d, const index::Query& query) {
  std::vector<std::string> words =
      absl::StrSplit(absl::AsciiStrToLower(query.text), ' ', absl::SkipWhitespace());
  if (words.empty()) return true;
  std::string text;
  for (const index::TextField& f : d.text) text += " " + absl::AsciiStrToLower(f.text);
  auto found = [&](const std::string& w) { return text.find(w) != std::string::npos; };
  return query.match_any_word ? std::any_of(words.begin(), words.end(), found)
                              : std::all_of(words.begin(), words.end(), found);
}

bool Matches(const index::Document& d, const index::Query& query) {
  for (const auto& group : query.all_of) {
    if (!AnyOf(d, group)) return false;
  }
  if (!query.visible_if.empty() &&
      std::none_of(query.visible_if.begin(), query.visible_if.end(),
                   [&](const auto& group) { return AllOf(d, group); })) {
    return false;
  }
  if (AnyOf(d, query.exclude)) return false;
  for (const auto& [slot, minimum] : query.at_least) {
    if (NumberAt(d, slot) < minimum) return false;
  }
  return TextMatches(d, query);
}

}  // namespace

absl::Status MemoryIndex::Apply(const std::vector<index::Change>& changes, uint64_t sequence) {
  MutexLock lock(&mu_);
  for (const index::Change& change : changes) {
    if (change.document) {
      documents_[change.id] = *change.document;
    } else {
      documents_.erase(change.id);
    }
  }
  applied_ = sequence;
  applied_cv_.SignalAll();
  return absl::OkStatus();
}

absl::Status MemoryIndex::Reset() {
  MutexLock lock(&mu_);
  documents_.clear();
  applied_ = 0;
  ++resets_;
  return absl::OkStatus();
}

uint64_t MemoryIndex::last_sequence() const {
  MutexLock lock(&mu_);
  return applied_;
}

uint64_t MemoryIndex::document_count() const {
  MutexLock lock(&mu_);
  return documents_.size();
}

bool MemoryIndex::WaitFor(uint64_t sequence, absl::Time deadline) const {
  MutexLock lock(&mu_);
  while (applied_ < sequence) {
    if (!applied_cv_.WaitWithDeadline(&mu_, deadline) && applied_ < sequence) return false;
  }
  return true;
}

absl::StatusOr<index::Result> MemoryIndex::Search(const index::Query& query) const {
  MutexLock lock(&mu_);
  index::Result result;
  result.sequence = applied_;
  for (const auto& [id, document] : documents_) {
    if (!Matches(document, query)) continue;
    if (result.total++ < static_cast<uint64_t>(query.offset)) continue;
    if (static_cast<int>(result.hits.size()) >= query.limit) continue;
    result.hits.push_back({id, document.title, "", 1.0, 100});
  }
  return result;
}

std::optional<index::Document> MemoryIndex::Find(const std::string& id) const {
  MutexLock lock(&mu_);
  auto it = documents_.find(id);
  if (it == documents_.end()) return std::nullopt;
  return it->second;
}

int MemoryIndex::resets() const {
  MutexLock lock(&mu_);
  return resets_;
}

}  // namespace psc::testing
