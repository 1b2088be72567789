// List: paging, every filter, ordering and the sequence a page reflects.

#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/integration/registry_fixture.h"

namespace psc::testing {
namespace {

// The names of a ListAll result (empty, and a test failure, on error).
template <typename T>
std::vector<std::string> NamesOf(const absl::StatusOr<std::vector<T>>& all) {
  EXPECT_TRUE(all.ok()) << all.status();
  std::vector<std::string> names;
  if (all.ok()) {
    for (const T& item : *all) names.push_back(item.name());
  }
  return names;
}

class ListTest : public RegistryTest {
 protected:
  // Names of every initiative matching `filter`, walking pages of `page_size`.
  std::vector<std::string> InitiativeNames(const std::string& filter, int page_size = 100,
                                           const std::string& order_by = "") {
    std::vector<std::string> names;
    v1::ListInitiativesRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    request.set_order_by(order_by);
    while (true) {
      auto page = client_->ListInitiatives(request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return names;
      for (const auto& i : page->initiatives()) names.push_back(i.name());
      if (page->next_page_token().empty()) return names;
      request.set_page_token(page->next_page_token());
    }
  }
};

TEST_F(ListTest, PagingThrough2500InitiativesReturnsEachExactlyOnce) {
  std::string lead = AddCollaborative("wessex");
  constexpr int kCount = 2500, kThreads = 8;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kCount; i += kThreads) {
        auto r = client_->CreateInitiative(MakeInitiative(lead, absl::StrCat("Initiative ", i)),
                                           {.id = absl::StrCat("i", i)});
        ASSERT_TRUE(r.ok()) << r.status();
      }
    });
  }
  for (auto& th : threads) th.join();

  for (const std::string order : {"", "create_time", "name desc", "create_time desc"}) {
    std::vector<std::string> names = InitiativeNames("", 100, order);
    ASSERT_EQ(names.size(), static_cast<size_t>(kCount)) << order;
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), static_cast<size_t>(kCount))
        << order;
    if (order == "") {
      EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    }
    if (order == "name desc") {
      EXPECT_TRUE(std::is_sorted(names.rbegin(), names.rend()));
    }
  }
  // The client's helper walks every page too.
  EXPECT_EQ(client_->ListAllInitiatives()->size(), static_cast<size_t>(kCount));
}

TEST_F(ListTest, CreateTimeOrderFollowsCreation) {
  std::string lead = AddCollaborative("wessex");
  std::vector<std::string> created;
  for (const char* id : {"zeta", "alpha", "mid"}) {
    created.push_back(client_->CreateInitiative(MakeInitiative(lead), {.id = id})->name());
  }
  EXPECT_EQ(InitiativeNames("", 2, "create_time"), created);
  std::vector<std::string> reversed(created.rbegin(), created.rend());
  EXPECT_EQ(InitiativeNames("", 2, "create_time desc"), reversed);
}

TEST_F(ListTest, EveryFilterIsServed) {
  std::string wessex = AddCollaborative("wessex");
  std::string oxford = AddCollaborative("oxford");
  std::string kss = AddCollaborative("kss");

  v1::Initiative a = MakeInitiative(wessex, "A");
  a.add_participant_collaboratives(oxford);
  a.add_topics("Falls");
  v1::Initiative b = MakeInitiative(oxford, "B");
  b.set_workstream(v1::LOCAL);
  b.set_local_priority("Falls prevention");
  b.set_status(v1::ACTIVE);
  b.clear_milestones();
  b.set_status_override_reason("Started before its plan was complete");
  ASSERT_TRUE(client_->CreateInitiative(a, {.id = "a"}).ok());
  ASSERT_TRUE(client_->CreateInitiative(b, {.id = "b"}).ok());
  using Names = std::vector<std::string>;
  EXPECT_EQ(InitiativeNames(R"(collaborative = "collaboratives/oxford")"),
            (Names{"initiatives/a", "initiatives/b"}));
  EXPECT_EQ(InitiativeNames("collaborative = collaboratives/wessex"), Names{"initiatives/a"});
  EXPECT_EQ(InitiativeNames("collaborative = collaboratives/kss"), Names{});
  EXPECT_EQ(InitiativeNames("workstream = LOCAL"), Names{"initiatives/b"});
  EXPECT_EQ(InitiativeNames("status = ACTIVE"), Names{"initiatives/b"});
  EXPECT_EQ(InitiativeNames("status = PROPOSED"), Names{"initiatives/a"});
  EXPECT_EQ(InitiativeNames(R"(topic = "falls")"), Names{"initiatives/a"});
  EXPECT_EQ(InitiativeNames("measurement_plan_status = INCOMPLETE"), Names{"initiatives/b"});
  EXPECT_EQ(InitiativeNames("collaborative = collaboratives/oxford AND workstream = LOCAL"),
            Names{"initiatives/b"});

  v1::CaseStudy cs = MakeCaseStudy(wessex);
  cs.add_collaboratives(kss);
  cs.set_initiative("initiatives/a");
  cs.set_publication_state(v1::PUBLISHED);
  ASSERT_TRUE(client_->CreateCaseStudy(cs, {.id = "cs1"}).ok());
  ASSERT_TRUE(client_->CreateCaseStudy(MakeCaseStudy(oxford), {.id = "cs2"}).ok());
  auto case_names = [&](const std::string& filter) {
    return NamesOf(client_->ListAllCaseStudies(filter));
  };
  EXPECT_EQ(case_names("collaborative = collaboratives/kss"), Names{"caseStudies/cs1"});
  EXPECT_EQ(case_names("publication_state = DRAFT"), Names{"caseStudies/cs2"});
  EXPECT_EQ(case_names("initiative = initiatives/a"), Names{"caseStudies/cs1"});
  EXPECT_EQ(case_names("topic = sepsis"), (Names{"caseStudies/cs1", "caseStudies/cs2"}));

  v1::Expert hf = MakeExpert(wessex);
  v1::Expert qi = MakeExpert(oxford);
  qi.mutable_skills(0)->set_skill(v1::QUALITY_IMPROVEMENT);
  qi.set_shareable(false);
  qi.clear_regions();
  qi.add_regions(v1::LONDON);
  ASSERT_TRUE(client_->CreateExpert(hf, {.id = "hf"}).ok());
  ASSERT_TRUE(client_->CreateExpert(qi, {.id = "qi"}).ok());
  auto expert_names = [&](const std::string& filter) {
    return NamesOf(client_->ListAllExperts(filter));
  };
  EXPECT_EQ(expert_names("home_collaborative = collaboratives/oxford"), Names{"experts/qi"});
  EXPECT_EQ(expert_names("skill = HUMAN_FACTORS"), Names{"experts/hf"});
  EXPECT_EQ(expert_names("shareable = true"), Names{"experts/hf"});
  EXPECT_EQ(expert_names("region = LONDON"), Names{"experts/qi"});

  ASSERT_TRUE(client_->CreateResource(MakeResource("national/psmu"), {.id = "psmu"}).ok());
  v1::Resource toolkit = MakeResource(wessex, "Toolkit");
  toolkit.set_kind(v1::TOOLKIT);
  ASSERT_TRUE(client_->CreateResource(toolkit, {.id = "toolkit"}).ok());
  auto resource_names = [&](const std::string& filter) {
    return NamesOf(client_->ListAllResources(filter));
  };
  EXPECT_EQ(resource_names("provider = national/psmu"), Names{"resources/psmu"});
  EXPECT_EQ(resource_names("kind = TOOLKIT"), Names{"resources/toolkit"});

  EXPECT_EQ(client_->ListAllCollaboratives("region = SOUTH_EAST")->size(), 3u);
}

TEST_F(ListTest, FiltersFollowUpdatesAndDeletes) {
  std::string wessex = AddCollaborative("wessex");
  auto created = client_->CreateInitiative(MakeInitiative(wessex), {.id = "a"});
  ASSERT_TRUE(created.ok());
  v1::Initiative patch;
  patch.set_name(created->name());
  patch.set_status(v1::ACTIVE);
  ASSERT_TRUE(client_->UpdateInitiative(patch).ok());
  EXPECT_EQ(InitiativeNames("status = PROPOSED"), std::vector<std::string>{});
  EXPECT_EQ(InitiativeNames("status = ACTIVE"), std::vector<std::string>{"initiatives/a"});
  ASSERT_TRUE(client_->DeleteInitiative(created->name()).ok());
  EXPECT_EQ(InitiativeNames("status = ACTIVE"), std::vector<std::string>{});
  EXPECT_EQ(InitiativeNames(""), std::vector<std::string>{});
}

TEST_F(ListTest, ResponsesCarryTheSequenceTheyReflect) {
  auto before = client_->ListCollaboratives({});
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->sequence(), 0u);
  AddCollaborative("wessex");
  AddCollaborative("oxford");
  auto after = client_->ListCollaboratives({});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->sequence(), 2u);
  EXPECT_EQ(after->collaboratives_size(), 2);
  // A failed write takes no sequence.
  EXPECT_FALSE(client_->CreateCollaborative(MakeCollaborative(), {.id = "wessex"}).ok());
  EXPECT_EQ(client_->ListCollaboratives({})->sequence(), 2u);
}

}  // namespace
}  // namespace psc::testing
