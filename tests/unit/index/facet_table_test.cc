// The in-memory facet table and the facet counter that reads it, against a real Xapian database:
// the table's counts must equal those read from the facet value slot itself.

#include "server/index/facet_table.h"

#include "gtest/gtest.h"
#include "server/index/facet_counter.h"
#include "server/index/schema.h"
#include "tests/testing/temp_dir.h"

namespace psc::index {
namespace {

std::vector<std::string> Values(const FacetTable& table, Xapian::docid doc) {
  std::vector<std::string> out;
  for (uint32_t id : table.ValuesOf(doc)) out.push_back(table.value(id));
  return out;
}

TEST(FacetTableTest, SetsReplacesAndRemovesEachDocumentsValues) {
  auto empty = FacetTable::Empty();
  auto one = empty->With({{1, "0initiatives\n1LOCAL"}, {700, "0experts\n3HUMAN_FACTORS"}});
  EXPECT_EQ(Values(*one, 1), (std::vector<std::string>{"0initiatives", "1LOCAL"}));
  EXPECT_EQ(Values(*one, 700), (std::vector<std::string>{"0experts", "3HUMAN_FACTORS"}));
  EXPECT_TRUE(Values(*one, 2).empty());
  EXPECT_TRUE(Values(*one, 100000).empty());  // beyond every chunk
  EXPECT_EQ(one->value_count(), 4u);

  // Later updates of the same docid win; "" removes; a known value keeps its id.
  auto two = one->With({{1, "0caseStudies"}, {700, ""}, {1, "0initiatives\n1NEW"}});
  EXPECT_EQ(Values(*two, 1), (std::vector<std::string>{"0initiatives", "1NEW"}));
  EXPECT_TRUE(Values(*two, 700).empty());
  EXPECT_EQ(two->value_count(), 6u);  // caseStudies and NEW interned once each
  // The older table is unchanged: a search that holds it keeps its answer.
  EXPECT_EQ(Values(*one, 1), (std::vector<std::string>{"0initiatives", "1LOCAL"}));
  EXPECT_EQ(one->value_count(), 4u);
  EXPECT_TRUE(Values(*empty, 1).empty());
}

class FacetCounterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Xapian::WritableDatabase db(dir_.Sub("db"), Xapian::DB_CREATE_OR_OVERWRITE);
    // 600 documents over three chunks of the table: kinds in turn, a workstream on every
    // other one, none on every seventh.
    for (int i = 0; i < 600; ++i) {
      Xapian::Document doc;
      doc.add_boolean_term("Xall");
      if (i % 7 == 0) {
        db.add_document(doc);
        continue;
      }
      std::string facets = i % 3 == 0 ? "0experts" : i % 3 == 1 ? "0initiatives" : "0caseStudies";
      if (i % 2 == 0) facets += "\n1LOCAL";
      doc.add_value(schema::kFacetSlot, facets);
      db.add_document(doc);
    }
    db.delete_document(5);  // a hole
    db.commit();
    db_ = Xapian::Database(dir_.Sub("db"));
  }

  std::map<std::string, uint64_t> Count(std::shared_ptr<const FacetTable> table) {
    FacetCounter counter(db_, std::move(table), 2);
    Xapian::Enquire enquire(db_);
    enquire.set_query(Xapian::Query("Xall"));
    enquire.add_matchspy(&counter);
    enquire.get_mset(0, 0, db_.get_doccount());
    EXPECT_EQ(counter.documents(), 599u);
    std::map<std::string, uint64_t> out;
    for (size_t facet = 0; facet < 2; ++facet) {
      for (const auto& [value, n] : counter.Counts(facet)) out[value] = n;
    }
    return out;
  }

  psc::testing::TempDir dir_;
  Xapian::Database db_;
};

TEST_F(FacetCounterTest, TheTableCountsWhatTheValueSlotHolds) {
  const std::map<std::string, uint64_t> from_slot = Count(nullptr);
  EXPECT_EQ(from_slot.size(), 4u);
  EXPECT_GT(from_slot.at("LOCAL"), 0u);
  EXPECT_EQ(Count(FacetTable::Load(db_)), from_slot);
}

TEST_F(FacetCounterTest, CountsAreMostFrequentFirstThenByValue) {
  FacetCounter counter(db_, FacetTable::Load(db_), 2);
  Xapian::Enquire enquire(db_);
  enquire.set_query(Xapian::Query("Xall"));
  enquire.add_matchspy(&counter);
  enquire.get_mset(0, 0, db_.get_doccount());
  const auto kinds = counter.Counts(0);
  ASSERT_EQ(kinds.size(), 3u);
  for (size_t i = 1; i < kinds.size(); ++i) {
    EXPECT_TRUE(kinds[i - 1].second > kinds[i].second ||
                (kinds[i - 1].second == kinds[i].second && kinds[i - 1].first < kinds[i].first));
  }
}

}  // namespace
}  // namespace psc::index
