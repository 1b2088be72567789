// The search indexer between an in-memory store and an in-memory index: what each change does
// to the index, the re-index of an expert when its requests change, and rebuilds.

#include "server/discovery/search_indexer.h"

#include "gtest/gtest.h"
#include "server/registry/kinds/expert_kind.h"
#include "server/registry/kinds/kind_table.h"
#include "server/registry/workflows/workflows.h"
#include "tests/testing/eventually.h"
#include "tests/testing/memory_index.h"
#include "tests/testing/registry_harness.h"

namespace psc::registry {
namespace {

using testing::LeadOf;

bool HasTerm(const index::Document& d, const Term& t) {
  return std::find(d.terms.begin(), d.terms.end(), t) != d.terms.end();
}

double FreeDays(const index::Document& d) {
  for (const auto& [slot, value] : d.numbers) {
    if (slot == kFreeDaysSlot) return value;
  }
  return -1;
}

class SearchIndexerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* id : {"oxford", "west-of-england"}) h_.AddCollaborative(id);
  }
  void StartIndexer() {
    indexer_ = std::make_unique<SearchIndexer>(&h_.registry(), &feed_, &index_);
    h_.store().SetCommitListener([this](uint64_t last) { indexer_->OnCommit(last); });
  }
  void TearDown() override { h_.store().SetCommitListener(nullptr); }
  // Waits until the index has applied everything committed.
  bool CaughtUp() {
    return index_.WaitFor(h_.store().last_sequence(), absl::Now() + absl::Seconds(10));
  }

  testing::RegistryHarness h_;
  StoreChangeFeed feed_{&h_.store()};
  testing::MemoryIndex index_;
  std::unique_ptr<SearchIndexer> indexer_;
};

TEST_F(SearchIndexerTest, FollowsCreatesUpdatesAndDeletes) {
  StartIndexer();
  ASSERT_TRUE(h_.Create(LeadOf("oxford"), InitiativeKind(),
                        testing::MakeInitiative("collaboratives/oxford"), "huddles")
                  .ok());
  ASSERT_TRUE(CaughtUp());
  auto doc = index_.Find("initiatives/huddles");
  ASSERT_TRUE(doc.has_value());
  EXPECT_TRUE(HasTerm(*doc, {"kind", "initiatives"}));
  EXPECT_TRUE(HasTerm(*doc, {"lead", "collaboratives/oxford"}));
  EXPECT_TRUE(HasTerm(*doc, {"collaborative", "collaboratives/oxford"}));
  EXPECT_TRUE(HasTerm(*doc, {"workstream", "SAFETY_CULTURE"}));
  EXPECT_EQ(doc->title, "Safety huddles");
  ASSERT_TRUE(h_.Delete(LeadOf("oxford"), InitiativeKind(), "initiatives/huddles").ok());
  ASSERT_TRUE(CaughtUp());
  EXPECT_FALSE(index_.Find("initiatives/huddles").has_value());
  EXPECT_EQ(index_.document_count(), 2u);  // the two collaboratives
}

TEST_F(SearchIndexerTest, AnAcceptedRequestReindexesTheExpertsFreeDays) {
  StartIndexer();
  v1::Expert expert = testing::MakeExpert("collaboratives/west-of-england");
  expert.set_days_per_month_offered(3);
  ASSERT_TRUE(h_.Create(Caller::Admin(), ExpertKind(), expert, "hf").ok());
  ASSERT_TRUE(h_.Create(LeadOf("oxford"), InitiativeKind(),
                        testing::MakeInitiative("collaboratives/oxford"), "huddles")
                  .ok());
  ASSERT_TRUE(CaughtUp());
  EXPECT_EQ(FreeDays(*index_.Find("experts/hf")), 3);
  Workflows workflows(&h_.store(), &h_.registry());
  v1::SharingRequest request;
  request.set_initiative("initiatives/huddles");
  request.set_days_per_month(2);
  const absl::CivilMonth now = absl::ToCivilMonth(absl::Now(), absl::UTCTimeZone());
  request.mutable_start_month()->set_year(static_cast<int>(now.year()));
  request.mutable_start_month()->set_month(now.month());
  request.set_months(1);
  auto created = testing::Written<v1::SharingRequest>([&](RecordCallback done) {
    workflows.CreateSharingRequest(LeadOf("oxford"), "experts/hf", request, {}, std::move(done));
  });
  ASSERT_TRUE(created.ok()) << created.status();
  auto accepted = testing::Written<v1::SharingRequest>([&](RecordCallback done) {
    workflows.DecideSharingRequest(LeadOf("west-of-england"), SharingDecision::kAccept,
                                   created->name(), "", "", std::move(done));
  });
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  ASSERT_TRUE(CaughtUp());
  EXPECT_EQ(FreeDays(*index_.Find("experts/hf")), 1);
  EXPECT_FALSE(index_.Find(created->name()).has_value());  // requests are not searchable
}

TEST_F(SearchIndexerTest, RebuildsAnIndexAheadOfTheStore) {
  ASSERT_TRUE(index_.Apply({{"initiatives/ghost", index::Document{}}}, 999).ok());
  StartIndexer();
  // The index claims more than the store holds, so waiting for a sequence proves nothing:
  // wait for the rebuild to land on the store's sequence.
  EXPECT_TRUE(
      testing::Eventually([&] { return index_.last_sequence() == h_.store().last_sequence(); }));
  EXPECT_GE(index_.resets(), 1);
  EXPECT_FALSE(index_.Find("initiatives/ghost").has_value());
  EXPECT_EQ(index_.document_count(), 2u);
  EXPECT_EQ(index_.last_sequence(), h_.store().last_sequence());
}

TEST_F(SearchIndexerTest, RebuildsFromTheRecordsWhenTheLogIsTrimmedPastTheIndex) {
  ASSERT_TRUE(index_.Apply({}, 1).ok());  // indexed up to 1, but the log now starts later
  ASSERT_TRUE(h_.store().TrimChangeLog(h_.store().last_sequence() + 1, {}).ok());
  StartIndexer();
  ASSERT_TRUE(CaughtUp());
  EXPECT_GE(index_.resets(), 1);
  EXPECT_TRUE(index_.Find("collaboratives/oxford").has_value());
  EXPECT_TRUE(index_.Find("collaboratives/west-of-england").has_value());
}

}  // namespace
}  // namespace psc::registry
