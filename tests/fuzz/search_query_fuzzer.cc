// libFuzzer target: search query text from untrusted callers, through Xapian's query parser and
// a real (small) index: with operators, as prose (literal), as an OR of words (similarity),
// with facets and snippets. Must never crash, hang or leak; INVALID_QUERY is fine.

#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "server/index/search_index.h"

namespace {

psc::index::Document Doc(const std::string& id, const std::string& title, const std::string& body,
                         const std::string& skill) {
  psc::index::Document d;
  d.id = id;
  d.title = title;
  d.snippet_source = body;
  d.text = {{"title", title, 3}, {"topic", "sepsis falls", 1}, {"skill", skill, 1}, {"", body, 1}};
  d.terms = {{"kind", "initiatives"}, {"workstream", "LOCAL"}, {"skill", skill}};
  d.numbers = {{0, 3.0}};
  return d;
}

// One index for the whole run, in a fresh directory (left behind under /tmp, a few KB).
psc::index::SearchIndex& Index() {
  static psc::index::SearchIndex* index = [] {
    char dir[] = "/tmp/psc-search-fuzz-XXXXXX";
    if (mkdtemp(dir) == nullptr) abort();
    auto opened = psc::index::SearchIndex::Open(std::string(dir) + "/index");
    if (!opened.ok()) abort();
    if (!(*opened)
             ->Apply({{"a", Doc("a", "Sepsis screening", "Screening for sepsis on wards.",
                                "human factors")},
                      {"b", Doc("b", "Safety huddles", "Daily huddles reduce falls.",
                                "quality improvement")},
                      {"c", Doc("c", "Café ward rounds", "Rounds with \"NEWS2\" scores.",
                                "measurement")}},
                     3)
             .ok()) {
      abort();
    }
    return opened->release();
  }();
  return *index;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  psc::index::SearchIndex& index = Index();
  (void)index.Search({.text = input, .facets = true});
  (void)index.Search({.text = input, .literal = true, .limit = 2, .exact_total = false});
  (void)index.Search({.text = input,
                      .match_any_word = true,
                      .literal = true,
                      .at_least = {{0, 1.0}},
                      .boost = {{0, 0.5}},
                      .min_percent = 10,
                      .similarity_postings = 2});
  return 0;
}
