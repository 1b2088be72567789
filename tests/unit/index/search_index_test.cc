// The search index on its own: documents in, queries out, persistence and recovery.

#include "server/index/search_index.h"

#include <atomic>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace psc::index {
namespace {

Document Doc(const std::string& id, const std::string& kind, const std::string& title,
             const std::string& body, std::vector<Term> terms = {}) {
  Document d;
  d.id = id;
  d.title = title;
  d.snippet_source = body;
  d.text = {{"title", title, 3}, {"", body, 1}};
  d.terms = std::move(terms);
  d.terms.push_back({"kind", kind});
  return d;
}

std::vector<std::string> Ids(const Result& r) {
  std::vector<std::string> ids;
  for (const Hit& h : r.hits) ids.push_back(h.id);
  return ids;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto index = SearchIndex::Open(Path());
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = *std::move(index);
    ASSERT_TRUE(index_
                    ->Apply({{"a", Doc("a", "initiatives", "Sepsis screening",
                                       "Screening for sepsis on acute wards.",
                                       {{"workstream", "DETERIORATING_PATIENT"}})},
                             {"b", Doc("b", "initiatives", "Safety huddles",
                                       "Daily huddles on wards.", {{"workstream", "LOCAL"}})},
                             {"c", Doc("c", "caseStudies", "Sepsis dashboard",
                                       "A dashboard for sepsis screening.")}},
                            7)
                    .ok());
  }
  std::string Path() { return dir_.Sub("index"); }
  Result Run(Query q) {
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : Result();
  }

  psc::testing::TempDir dir_;
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(SearchIndexTest, FindsWordsPhrasesPrefixesAndFilters) {
  EXPECT_EQ(Run({.text = "sepsis"}).total, 2u);
  EXPECT_EQ(Ids(Run({.text = "\"sepsis dashboard\""})), std::vector<std::string>{"c"});
  EXPECT_EQ(Ids(Run({.text = "title:huddles"})), std::vector<std::string>{"b"});
  EXPECT_EQ(Run({.text = "huddle"}).total, 1u);  // stemmed
  EXPECT_EQ(Run({.text = "sepsis OR huddles"}).total, 3u);
  EXPECT_EQ(Ids(Run({.text = "sepsis NOT dashboard"})), std::vector<std::string>{"a"});
  EXPECT_EQ(Ids(Run({.text = "sepsis", .all_of = {{{"kind", "caseStudies"}}}})),
            std::vector<std::string>{"c"});
  EXPECT_EQ(Run({.text = "", .visible_if = {{{"kind", "initiatives"}}}}).total, 2u);
  EXPECT_EQ(Ids(Run({.text = "", .exclude = {{"kind", "initiatives"}}})),
            std::vector<std::string>{"c"});
  Result r = Run({.text = "sepsis"});
  ASSERT_FALSE(r.hits.empty());
  EXPECT_NE(r.hits[0].snippet.find("<mark>"), std::string::npos);
}

// NEAR and ADJ are words, not operators (Xapian 1.4 leaks memory on some of their errors).
TEST_F(SearchIndexTest, ProximityOperatorsAreWords) {
  EXPECT_EQ(Run({.text = "sepsis NEAR/3 dashboard"}).total, 0u);  // "near" is in no document
  EXPECT_EQ(Run({.text = "sepsis AND ADJ/3"}).total, 0u);
}

TEST_F(SearchIndexTest, CountsFacetsOverEveryMatch) {
  Result r = Run({.text = "", .limit = 1, .facets = true});
  EXPECT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.total, 3u);
  std::vector<std::pair<std::string, uint64_t>> kinds = {{"initiatives", 2}, {"caseStudies", 1}};
  EXPECT_EQ(r.facets["kind"], kinds);
  EXPECT_EQ(r.facets["workstream"].size(), 2u);
}

// Facet counts follow every commit (the in-memory table of the reader's revision), and a
// reopened index counts the same (the table is loaded from the index itself).
TEST_F(SearchIndexTest, FacetCountsFollowReplacesDeletesAndReopen) {
  ASSERT_TRUE(index_
                  ->Apply({{"a", std::nullopt},
                           {"b", Doc("b", "caseStudies", "Huddles", "x", {{"workstream", "NEW"}})},
                           {"d", Doc("d", "experts", "Dana", "y")}},
                          8)
                  .ok());
  const std::map<std::string, std::vector<std::pair<std::string, uint64_t>>> expected = {
      {"kind", {{"caseStudies", 2}, {"experts", 1}}},
      {"workstream", {{"NEW", 1}}},
      {"collaborative", {}},
      {"skill", {}},
      {"status", {}}};
  Result r = Run({.text = "", .facets = true});
  EXPECT_EQ(r.total, 3u);
  EXPECT_FALSE(r.estimated);
  EXPECT_EQ(r.facets, expected);
  index_.reset();
  auto reopened = SearchIndex::Open(Path());
  ASSERT_TRUE(reopened.ok());
  index_ = *std::move(reopened);
  EXPECT_EQ(Run({.text = "", .facets = true}).facets, expected);
}

// Beyond Query::count_limit matches, the total and the facet counts are flagged as estimates,
// the counts scaled from the matches counted; at or under it they are exact.
TEST_F(SearchIndexTest, CountsBeyondTheLimitAreFlaggedEstimatesScaledToTheTotal) {
  std::vector<Change> more;
  for (int i = 0; i < 37; ++i) {
    const std::string id = absl::StrCat("x", i);
    more.push_back({id, Doc(id, "experts", "Expert", "Sepsis training.")});
  }
  ASSERT_TRUE(index_->Apply(more, 8).ok());  // 40 documents: 2 initiatives, 1 case study
  Result exact = Run({.text = "", .facets = true, .count_limit = 40});
  EXPECT_FALSE(exact.estimated);
  EXPECT_EQ(exact.total, 40u);
  EXPECT_EQ(exact.facets["kind"][0], (std::pair<std::string, uint64_t>{"experts", 37}));

  Result estimated = Run({.text = "", .limit = 5, .facets = true, .count_limit = 10});
  EXPECT_TRUE(estimated.estimated);
  EXPECT_EQ(estimated.hits.size(), 5u);
  EXPECT_EQ(estimated.total, 40u);  // a match-all total is known without counting
  uint64_t sum = 0;
  for (const auto& [kind, n] : estimated.facets["kind"]) sum += n;
  EXPECT_EQ(sum, 40u);  // 10 counted, each scaled by 4
  // Top hits only: the total is Xapian's estimate, and says so.
  EXPECT_TRUE(Run({.text = "sepsis", .limit = 1, .exact_total = false}).estimated);
}

// A one-word query counts from the word's posting list, not through the matcher: the same
// total and facets as a query the matcher must run (the word ORed with one no document holds),
// exact within the count limit and flagged, scaled estimates beyond it.
TEST_F(SearchIndexTest, AOneWordQueryCountsAsTheMatcherDoes) {
  std::vector<Change> more;
  for (int i = 0; i < 30; ++i) {
    const std::string id = absl::StrCat("x", i);
    more.push_back({id, Doc(id, i % 3 == 0 ? "experts" : "initiatives", "Expert",
                            i % 2 == 0 ? "Sepsis training." : "Falls training.",
                            {{"workstream", i % 4 == 0 ? "LOCAL" : "NATIONAL"}})});
  }
  ASSERT_TRUE(index_->Apply(more, 8).ok());  // "sepsis": a, c and 15 of these
  for (uint32_t limit : {50u, 17u, 6u}) {
    Result one = Run({.text = "sepsis", .facets = true, .count_limit = limit});
    Result matcher = Run({.text = "sepsis OR zyzzyva", .facets = true, .count_limit = limit});
    EXPECT_EQ(one.total, 17u) << limit;
    EXPECT_EQ(one.total, matcher.total) << limit;
    EXPECT_EQ(one.estimated, limit < 17) << limit;
    EXPECT_EQ(one.estimated, matcher.estimated) << limit;
    EXPECT_EQ(one.facets, matcher.facets) << limit;
    EXPECT_EQ(Ids(one), Ids(matcher)) << limit;
  }
  // The same without facets: an exact total, from the posting list's length.
  Result counted = Run({.text = "training", .facets = false});
  EXPECT_EQ(counted.total, 30u);
  EXPECT_FALSE(counted.estimated);
}

// Searches while the writer commits: each search's kind counts add up to its total (every
// document has one kind), whichever revision its reader opened.
TEST_F(SearchIndexTest, CountsStayExactWhileWritesCommit) {
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) {
      const std::string id = absl::StrCat("w", i % 50);
      std::optional<Document> doc;
      if (i % 4 != 3) doc = Doc(id, i % 2 ? "experts" : "resources", "W", "sepsis");
      ASSERT_TRUE(index_->Apply({{id, doc}}, 8 + i).ok());
    }
    done = true;
  });
  int searches = 0;
  while (!done || searches < 10) {
    Result r = Run({.text = "", .facets = true});
    uint64_t sum = 0;
    for (const auto& [kind, n] : r.facets["kind"]) sum += n;
    EXPECT_EQ(sum, r.total);
    EXPECT_FALSE(r.estimated);
    ++searches;
  }
  writer.join();
}

// Similarity ORs only the text's rarest words, while the documents holding them fit the budget.
TEST_F(SearchIndexTest, SimilarityUsesTheRarestWordsWithinItsPostingBudget) {
  const Query similar{.text = "sepsis dashboard of the wards",
                      .match_any_word = true,
                      .literal = true,
                      .exact_total = false};
  // "sepsis" (2 documents) + "dashboard" (1) + "wards" (2) fit 8,000 postings: a, b, c all share
  // a word; "of" and "the" are stopwords.
  EXPECT_EQ(Run(similar).total, 3u);
  // A budget of 1 leaves only the rarest word, "dashboard": c alone.
  Query rarest = similar;
  rarest.similarity_postings = 1;
  EXPECT_EQ(Ids(Run(rarest)), std::vector<std::string>{"c"});
  // Words in no document, or all above the budget, match nothing (not everything).
  rarest.similarity_postings = 0;
  EXPECT_EQ(Run(rarest).total, 0u);
  EXPECT_EQ(Run({.text = "quetzal marmoset", .match_any_word = true, .literal = true}).total, 0u);
}

TEST_F(SearchIndexTest, ReplacesDeletesAndKeepsItsSequenceAcrossReopen) {
  EXPECT_EQ(index_->last_sequence(), 7u);
  ASSERT_TRUE(
      index_->Apply({{"a", std::nullopt}, {"b", Doc("b", "initiatives", "Falls", "x")}}, 9).ok());
  EXPECT_EQ(Run({.text = "sepsis"}).total, 1u);
  EXPECT_EQ(Run({.text = "huddles"}).total, 0u);
  index_.reset();
  auto reopened = SearchIndex::Open(Path());
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->last_sequence(), 9u);
  EXPECT_EQ((*reopened)->document_count(), 2u);
}

TEST_F(SearchIndexTest, WaitForReturnsOnceApplied) {
  EXPECT_TRUE(index_->WaitFor(7, absl::Now()));
  EXPECT_FALSE(index_->WaitFor(8, absl::Now() + absl::Milliseconds(20)));
}

TEST_F(SearchIndexTest, AnUnreadableOrUncleanIndexStartsEmpty) {
  index_.reset();
  std::filesystem::remove(Path() + "/psc-closed-cleanly");  // as after a crash
  auto unclean = SearchIndex::Open(Path());
  ASSERT_TRUE(unclean.ok());
  EXPECT_EQ((*unclean)->last_sequence(), 0u);
  EXPECT_EQ((*unclean)->document_count(), 0u);
  unclean->reset();
  for (const auto& entry : std::filesystem::directory_iterator(Path())) {
    std::filesystem::resize_file(entry.path(), 0);
  }
  auto corrupt = SearchIndex::Open(Path());
  ASSERT_TRUE(corrupt.ok()) << corrupt.status();
  EXPECT_EQ((*corrupt)->last_sequence(), 0u);
}

// What a power loss can leave (tools/crashtest --power-loss found it): the version file whole but
// a table cut short, so that the database opens and fails only when first read.
TEST_F(SearchIndexTest, AnIndexTornByAPowerLossIsRebuiltNotFatal) {
  std::vector<Change> many;
  for (int i = 0; i < 3000; ++i) {
    const std::string id = absl::StrCat("d", i);
    many.push_back({id, Doc(id, "initiatives", absl::StrCat("Title ", i), "Body text.",
                            {{"workstream", absl::StrCat("W", i % 50)}})});
  }
  ASSERT_TRUE(index_->Apply(many, 8).ok());
  index_.reset();
  std::filesystem::remove(Path() + "/psc-closed-cleanly");
  for (const auto& entry : std::filesystem::directory_iterator(Path())) {
    if (entry.path().filename() == "postlist.glass") {
      std::filesystem::resize_file(entry.path(), entry.file_size() / 2);
    }
  }
  auto torn = SearchIndex::Open(Path());
  ASSERT_TRUE(torn.ok()) << torn.status();
  EXPECT_EQ((*torn)->last_sequence(), 0u);
  ASSERT_TRUE((*torn)->Apply({{"a", Doc("a", "initiatives", "Sepsis", "x")}}, 9).ok());
  auto found = (*torn)->Search({.text = "sepsis"});
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->total, 1u);
}

TEST_F(SearchIndexTest, AQueryThatDoesNotParseIsInvalid) {
  auto r = index_->Search({.text = "sepsis AND"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace psc::index
