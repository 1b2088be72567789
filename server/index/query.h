#pragma once
// A search over the index, and what it finds.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "server/index/document.h"

namespace psc::index {

// Up to this many matches a search counts exactly (Result::total and the facets); beyond, both
// are estimates (Result::estimated), so that no search's cost grows with the registry.
inline constexpr uint32_t kExactCountLimit = 50000;

struct Query {
  // User syntax: words, "phrases", title:/topic:/skill: prefixes, AND/OR/NOT, +/-.
  // Empty matches every document that passes the filters.
  std::string text;
  bool match_any_word = false;  // words without operators: OR (similarity) instead of AND
  bool literal = false;         // `text` is prose: no operators, prefixes or phrases
  // Every group must match at least one of its terms (AND of ORs): user filters.
  std::vector<std::vector<Term>> all_of;
  // When non-empty, at least one group must match all of its terms (OR of ANDs): visibility.
  std::vector<std::vector<Term>> visible_if;
  std::vector<Term> exclude;                     // documents with any of these never match
  std::vector<std::pair<int, double>> at_least;  // {slot, minimum}
  std::vector<std::pair<int, double>> boost;     // {slot, factor}: weight += value * factor
  int min_percent = 0;  // leave out hits below this share (0..100) of the best possible match
  int offset = 0;
  int limit = 20;
  bool facets = false;
  // Count the matches (Result::total exact up to count_limit); false: top hits only.
  bool exact_total = true;
  uint32_t count_limit = kExactCountLimit;  // tests set less
  // With match_any_word and literal (similarity): only the text's rarest words are OR-ed, while
  // the documents holding them add up to at most this many, which bounds the query's cost.
  uint32_t similarity_postings = 8000;
  bool snippets = true;
};

struct Hit {
  std::string id;
  std::string title;
  std::string snippet;  // matched terms wrapped in <mark></mark>; empty without snippets
  double score = 0;     // Xapian's weight: comparable only within one result
  int percent = 0;      // 0..100, relative to the best possible match of the query
};

struct Result {
  std::vector<Hit> hits;
  // Matching documents: exact with Query::exact_total (up to its count_limit), else estimated.
  uint64_t total = 0;
  // More matched than the search counted (Query::count_limit): `total` and the facet counts
  // (scaled from the matches it counted) are estimates.
  bool estimated = false;
  // facet field -> (value, count), most frequent first; only with Query::facets.
  std::map<std::string, std::vector<std::pair<std::string, uint64_t>>> facets;
  uint64_t sequence = 0;  // the change-log sequence the index reflected
};

}  // namespace psc::index
