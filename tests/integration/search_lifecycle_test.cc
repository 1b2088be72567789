// The index's life across restarts (rebuild, catch-up) and similar-initiative detection.

#include <signal.h>

#include <filesystem>

#include "absl/strings/str_format.h"
#include "tests/integration/search_fixture.h"

namespace psc::testing {
namespace {

class SearchLifecycleTest : public SearchTest {
 protected:
  std::string IndexDir() { return data_dir_.Sub("data") + "/search"; }

  // Names, scores and facets of a few queries: what "identical results" compares.
  std::vector<std::string> Snapshot() {
    std::vector<std::string> lines;
    for (const char* q : {"sepsis", "human factors", "\"safety huddles\"", "", "topic:maternity"}) {
      v1::SearchResponse r = Search(q);
      lines.push_back(absl::StrCat(q, " total ", r.total_size()));
      for (const auto& hit : r.hits()) {
        lines.push_back(absl::StrCat(hit.name(), " ", absl::StrFormat("%.6f", hit.score()), " ",
                                     hit.snippet()));
      }
      for (const auto& [field, counts] : Facets(r)) {
        for (const auto& [value, count] : counts) {
          lines.push_back(absl::StrCat(field, "=", value, " ", count));
        }
      }
    }
    return lines;
  }

  // `original` as Wessex would propose the same work: a new PROPOSED initiative it leads.
  static v1::Initiative WessexCopyOf(const v1::Initiative& original) {
    v1::Initiative copy = original;
    copy.clear_name();
    copy.clear_etag();
    copy.clear_participant_collaboratives();
    copy.clear_adopted_from();
    copy.set_lead_collaborative("collaboratives/wessex");
    copy.set_status(v1::PROPOSED);
    return copy;
  }
};

TEST_F(SearchLifecycleTest, DeletingTheIndexAndRestartingGivesIdenticalResults) {
  std::vector<std::string> before = Snapshot();
  StopServer();
  std::filesystem::remove_all(IndexDir());
  StartServer();
  EXPECT_TRUE(pscd_->WaitForLog("search index: rebuilding from the records")) << pscd_->Log();
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(SearchLifecycleTest, CorruptIndexIsRebuilt) {
  std::vector<std::string> before = Snapshot();
  StopServer();
  for (const auto& entry : std::filesystem::directory_iterator(IndexDir())) {
    std::filesystem::resize_file(entry.path(), 0);  // truncate every table
  }
  StartServer();
  EXPECT_TRUE(pscd_->WaitForLog("rebuilding")) << pscd_->Log();
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(SearchLifecycleTest, AKilledServerRebuildsTheIndexItDidNotSync) {
  std::vector<std::string> before = Snapshot();
  pscd_->Stop(SIGKILL);
  StartServer();
  EXPECT_TRUE(pscd_->WaitForLog("was not closed cleanly: rebuilding it")) << pscd_->Log();
  EXPECT_EQ(Snapshot(), before);
  // A clean stop needs no rebuild.
  StopServer();
  StartServer();
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(pscd_->Log().find("rebuilding"), std::string::npos) << pscd_->Log();
}

TEST_F(SearchLifecycleTest, CatchesUpWithWritesMadeWhileTheIndexLagged) {
  // Keep a copy of the index as it is now, write more, then put the old index back: on the next
  // start the index is behind the log by those writes and must apply them.
  StopServer();
  const std::string saved = data_dir_.Sub("saved-index");
  std::filesystem::copy(IndexDir(), saved, std::filesystem::copy_options::recursive);
  StartServer();
  ASSERT_TRUE(client_
                  ->CreateInitiative(MakeInitiative("collaboratives/wessex", "Capybara rounds"),
                                     {.id = "capybara"})
                  .ok());
  ASSERT_TRUE(client_->DeleteCaseStudy("caseStudies/sepsis-dashboard").ok());
  ASSERT_EQ(Search("capybara").total_size(), 1);
  StopServer();
  std::filesystem::remove_all(IndexDir());
  std::filesystem::rename(saved, IndexDir());
  StartServer();
  EXPECT_EQ(Names(Search("capybara")), std::vector<std::string>{"initiatives/capybara"});
  EXPECT_EQ(Search("sepsis", {"caseStudies"}).total_size(), 0);
  EXPECT_EQ(pscd_->Log().find("rebuilding"), std::string::npos) << pscd_->Log();
}

TEST_F(SearchLifecycleTest, WaitsForMinSequenceWithinTheDeadline) {
  // Right after a write, a search that names the write's sequence always sees it.
  for (int i = 0; i < 20; ++i) {
    std::string id = absl::StrCat("ibis-", i);
    auto created = client_->CreateInitiative(
        MakeInitiative("collaboratives/wessex", absl::StrCat("Ibis", i, " pathway")), {.id = id});
    ASSERT_TRUE(created.ok()) << created.status();
    v1::SearchRequest request;
    request.set_query(absl::StrCat("ibis", i));
    request.set_min_sequence(Latest());
    auto response = client_->Search(request);
    ASSERT_TRUE(response.ok()) << response.status();
    ASSERT_EQ(response->total_size(), 1) << i;
    EXPECT_GE(response->sequence(), request.min_sequence());
  }
}

TEST_F(SearchLifecycleTest, ANearCopyInAnotherPscHasTheOriginalAsItsTopMatch) {
  auto original = client_->GetInitiative("initiatives/safety-huddles-yh");
  ASSERT_TRUE(original.ok()) << original.status();
  v1::Initiative copy = WessexCopyOf(*original);
  copy.set_title(absl::StrCat(original->title(), " in Wessex"));

  // The Create response carries the hint.
  auto lead = ClientAs("lead-wessex");
  auto created = lead->CreateInitiative(copy, {.id = "huddles-copy"});
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_GE(created->similar_initiatives_size(), 1);
  EXPECT_EQ(created->similar_initiatives(0).name(), original->name());
  EXPECT_GT(created->similar_initiatives(0).similarity(), 0.5);
  for (const auto& s : created->similar_initiatives()) {
    EXPECT_NE(s.lead_collaborative(), "collaboratives/wessex") << s.name();
  }
  // It is never stored.
  auto stored = client_->GetInitiative("initiatives/huddles-copy");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->similar_initiatives_size(), 0);

  // FindSimilarInitiatives by name and by text agree.
  v1::FindSimilarInitiativesRequest by_name;
  by_name.set_name("initiatives/huddles-copy");
  by_name.set_min_sequence(Latest());
  auto similar = client_->FindSimilarInitiatives(by_name);
  ASSERT_TRUE(similar.ok()) << similar.status();
  ASSERT_GE(similar->initiatives_size(), 1);
  EXPECT_EQ(similar->initiatives(0).name(), original->name());
  for (int i = 1; i < similar->initiatives_size(); ++i) {
    EXPECT_GE(similar->initiatives(i - 1).similarity(), similar->initiatives(i).similarity());
  }
  v1::FindSimilarInitiativesRequest by_text;
  by_text.set_text(original->summary());
  auto from_text = lead->FindSimilarInitiatives(by_text);
  ASSERT_TRUE(from_text.ok()) << from_text.status();
  ASSERT_GE(from_text->initiatives_size(), 1);
  EXPECT_EQ(from_text->initiatives(0).name(), original->name());

  // An update returns the hint too; unrelated work has none.
  google::protobuf::FieldMask mask;
  mask.add_paths("summary");
  created->set_summary(original->summary() + " Weekly.");
  auto updated = lead->UpdateInitiative(*created, mask);
  ASSERT_TRUE(updated.ok()) << updated.status();
  ASSERT_GE(updated->similar_initiatives_size(), 1);
  EXPECT_EQ(updated->similar_initiatives(0).name(), original->name());
  v1::Initiative unrelated = MakeInitiative("collaboratives/wessex", "Narwhal zebrafish okapi");
  unrelated.set_summary("Quetzal marmoset.");
  unrelated.clear_topics();
  unrelated.clear_measures();
  auto lonely = lead->CreateInitiative(unrelated);
  ASSERT_TRUE(lonely.ok()) << lonely.status();
  EXPECT_EQ(lonely->similar_initiatives_size(), 0);
}

TEST_F(SearchLifecycleTest, ABulkWriteAsksForNoHint) {
  auto original = client_->GetInitiative("initiatives/safety-huddles-yh");
  ASSERT_TRUE(original.ok()) << original.status();
  const v1::Initiative copy = WessexCopyOf(*original);
  auto lead = ClientAs("lead-wessex");

  // The same near-copy that has the original as its hint gets none when the call skips it.
  auto quiet = lead->CreateInitiative(copy, {.id = "quiet-copy", .skip_similar_initiatives = true});
  ASSERT_TRUE(quiet.ok()) << quiet.status();
  EXPECT_EQ(quiet->similar_initiatives_size(), 0);
  auto hinted = lead->CreateInitiative(copy, {.id = "hinted-copy"});
  ASSERT_TRUE(hinted.ok()) << hinted.status();
  ASSERT_GE(hinted->similar_initiatives_size(), 1);
  EXPECT_EQ(hinted->similar_initiatives(0).name(), original->name());

  // Updates likewise: the write happens, the hint does not.
  v1::UpdateInitiativeRequest update;
  update.mutable_initiative()->set_name("initiatives/quiet-copy");
  update.mutable_initiative()->set_summary(original->summary() + " Weekly.");
  update.mutable_update_mask()->add_paths("summary");
  update.set_skip_similar_initiatives(true);
  auto updated = lead->UpdateInitiative(update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->summary(), original->summary() + " Weekly.");
  EXPECT_EQ(updated->similar_initiatives_size(), 0);
  update.set_skip_similar_initiatives(false);
  update.mutable_initiative()->set_summary(original->summary());
  updated = lead->UpdateInitiative(update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_GE(updated->similar_initiatives_size(), 1);
}

}  // namespace
}  // namespace psc::testing
