// Search across kinds, the expert finder and their errors, over the demo data on a real pscd.

#include <set>

#include "absl/strings/ascii.h"
#include "tests/integration/search_fixture.h"

namespace psc::testing {
namespace {

TEST_F(SearchTest, SepsisRanksTheSepsisDashboardCaseStudyFirst) {
  v1::SearchResponse response = Search("sepsis", {"caseStudies"});
  ASSERT_GE(response.hits_size(), 1);
  EXPECT_EQ(response.hits(0).name(), "caseStudies/sepsis-dashboard");
  EXPECT_EQ(response.hits(0).kind(), "caseStudies");
  EXPECT_EQ(response.hits(0).title(), "Suspicion of sepsis dashboard");
  EXPECT_NE(response.hits(0).snippet().find("<mark>sepsis</mark>"), std::string::npos)
      << response.hits(0).snippet();
  EXPECT_GT(response.hits(0).score(), 0);

  // Across every kind, the phrase finds the case study, the initiative and the data source.
  std::vector<std::string> names = Names(Search("\"sepsis dashboard\""));
  EXPECT_TRUE(std::find(names.begin(), names.end(), "caseStudies/sepsis-dashboard") != names.end());
  EXPECT_TRUE(std::find(names.begin(), names.end(), "initiatives/sepsis-dashboard-nwc") !=
              names.end());
}

TEST_F(SearchTest, QuerySyntax) {
  // Prefixes: a title word, a topic.
  const v1::SearchResponse titled = Search("title:culture");
  for (const auto& hit : titled.hits()) {
    EXPECT_NE(absl::AsciiStrToLower(hit.title()).find("culture"), std::string::npos) << hit.name();
  }
  EXPECT_GT(titled.total_size(), 0);
  EXPECT_LT(titled.total_size(), Search("culture").total_size());
  EXPECT_GT(Search("topic:maternity").total_size(), 0);
  EXPECT_LT(Search("topic:maternity").total_size(), Search("maternity").total_size());
  // Boolean operators: OR widens, NOT narrows, AND (the default) narrows.
  const int64_t sepsis = Search("sepsis").total_size();
  const int64_t huddles = Search("huddles").total_size();
  EXPECT_GT(huddles, 0);
  EXPECT_EQ(Search("sepsis OR huddles").total_size(), sepsis + huddles);
  EXPECT_EQ(Search("sepsis AND huddles").total_size(), 0);
  EXPECT_LT(Search("sepsis NOT maternity").total_size(), sepsis);
  // Stemming: "huddle" finds "huddles".
  EXPECT_EQ(Search("huddle").total_size(), huddles);
}

TEST_F(SearchTest, HumanFactorsFindsTheHumanFactorsExperts) {
  auto with_skill = client_->ListAllExperts("skill = \"HUMAN_FACTORS\"");
  ASSERT_TRUE(with_skill.ok()) << with_skill.status();
  ASSERT_GT(with_skill->size(), 2u);
  std::vector<std::string> found = Names(Search("human factors", {"experts"}));
  for (const auto& e : *with_skill) {
    EXPECT_TRUE(std::find(found.begin(), found.end(), e.name()) != found.end()) << e.name();
  }
  // skill: matches the skill itself, not bios that merely mention it.
  EXPECT_EQ(Search("skill:\"human factors\"", {"experts"}).total_size(),
            static_cast<int64_t>(with_skill->size()));
}

TEST_F(SearchTest, ExpertFinderMatchesEveryConditionAndExplainsWhy) {
  auto all = client_->ListAllExperts();
  ASSERT_TRUE(all.ok());
  std::set<std::string> expected;
  for (const auto& e : *all) {
    bool skill = false;
    for (const auto& s : e.skills()) skill |= s.skill() == v1::HUMAN_FACTORS;
    bool region =
        std::find(e.regions().begin(), e.regions().end(), v1::SOUTH_WEST) != e.regions().end();
    if (skill && region && e.shareable() && e.days_per_month_offered() >= 2)
      expected.insert(e.name());
  }
  ASSERT_FALSE(expected.empty());

  v1::FindExpertsRequest request;
  request.set_skill(v1::HUMAN_FACTORS);
  request.set_region(v1::SOUTH_WEST);
  request.set_shareable_only(true);
  request.set_min_free_days(2);
  request.set_min_sequence(Latest());
  auto response = client_->FindExperts(request);
  ASSERT_TRUE(response.ok()) << response.status();
  std::set<std::string> got;
  for (const auto& m : response->experts()) {
    got.insert(m.expert().name());
    EXPECT_GE(m.free_days(), 2);
    EXPECT_EQ(m.free_days(), m.expert().days_per_month_offered());
    ASSERT_GE(m.reasons_size(), 3);
    EXPECT_NE(m.reasons(0).find("human factors at "), std::string::npos) << m.reasons(0);
    EXPECT_FALSE(m.expert().contact().email().empty());  // admins see contact data
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(response->total_size(), static_cast<int64_t>(expected.size()));

  // Without the region, higher levels rank first among equally relevant experts.
  v1::FindExpertsRequest by_skill;
  by_skill.set_skill(v1::HUMAN_FACTORS);
  auto ranked = client_->FindExperts(by_skill);
  ASSERT_TRUE(ranked.ok());
  auto level = [](const v1::Expert& e) {
    for (const auto& s : e.skills()) {
      if (s.skill() == v1::HUMAN_FACTORS) return static_cast<int>(s.level());
    }
    return 0;
  };
  for (int i = 1; i < ranked->experts_size(); ++i) {
    EXPECT_GE(ranked->experts(i - 1).score(), ranked->experts(i).score());
    EXPECT_GE(level(ranked->experts(i - 1).expert()), level(ranked->experts(i).expert()));
  }

  // A minimum level leaves out the experts below it.
  by_skill.set_min_level(v1::ADVANCED);
  auto advanced = client_->FindExperts(by_skill);
  ASSERT_TRUE(advanced.ok());
  for (const auto& m : advanced->experts()) EXPECT_GE(level(m.expert()), v1::ADVANCED);
  EXPECT_LT(advanced->total_size(), ranked->total_size());
}

TEST_F(SearchTest, FacetCountsEqualTheCountsFromList) {
  v1::SearchResponse everything = Search("");
  auto facets = Facets(everything);
  auto initiatives = client_->ListAllInitiatives();
  auto experts = client_->ListAllExperts();
  auto case_studies = client_->ListAllCaseStudies();
  auto collaboratives = client_->ListAllCollaboratives();
  auto resources = client_->ListAllResources();
  ASSERT_TRUE(initiatives.ok() && experts.ok() && case_studies.ok() && collaboratives.ok() &&
              resources.ok());
  EXPECT_EQ(facets["kind"]["initiatives"], static_cast<int64_t>(initiatives->size()));
  EXPECT_EQ(facets["kind"]["experts"], static_cast<int64_t>(experts->size()));
  EXPECT_EQ(facets["kind"]["caseStudies"], static_cast<int64_t>(case_studies->size()));
  EXPECT_EQ(facets["kind"]["collaboratives"], static_cast<int64_t>(collaboratives->size()));
  EXPECT_EQ(facets["kind"]["resources"], static_cast<int64_t>(resources->size()));
  EXPECT_EQ(everything.total_size(),
            static_cast<int64_t>(initiatives->size() + experts->size() + case_studies->size() +
                                 collaboratives->size() + resources->size()));
  EXPECT_FALSE(everything.counts_estimated());  // far under the 50,000 counted exactly
  std::map<std::string, int64_t> workstreams, statuses, skills;
  for (const auto& i : *initiatives) {
    ++workstreams[v1::Workstream_Name(i.workstream())];
    ++statuses[v1::InitiativeStatus_Name(i.status())];
  }
  for (const auto& e : *experts) {
    for (const auto& s : e.skills()) ++skills[v1::Skill_Name(s.skill())];
  }
  EXPECT_EQ(facets["workstream"], workstreams);
  EXPECT_EQ(facets["status"], statuses);
  EXPECT_EQ(facets["skill"], skills);

  // Per collaborative, against a List filtered by it.
  auto wessex = client_->ListAllInitiatives("collaborative = \"collaboratives/wessex\"");
  ASSERT_TRUE(wessex.ok());
  v1::SearchRequest request;
  request.add_kinds("initiatives");
  request.add_collaboratives("collaboratives/wessex");
  EXPECT_EQ(SearchAs(*client_, request).total_size(), static_cast<int64_t>(wessex->size()));
}

TEST_F(SearchTest, FiltersNarrowAndPagesCoverEveryHitOnce) {
  v1::SearchRequest request;
  request.add_kinds("initiatives");
  request.add_workstreams(v1::DETERIORATING_PATIENT);
  request.add_statuses(v1::ACTIVE);
  request.add_statuses(v1::SPREADING);
  auto expected = client_->ListAllInitiatives("workstream = DETERIORATING_PATIENT");
  ASSERT_TRUE(expected.ok());
  std::set<std::string> want;
  for (const auto& i : *expected) {
    if (i.status() == v1::ACTIVE || i.status() == v1::SPREADING) want.insert(i.name());
  }
  request.set_page_size(2);
  std::set<std::string> got;
  int pages = 0;
  do {
    v1::SearchResponse page = SearchAs(*client_, request);
    for (const auto& hit : page.hits()) EXPECT_TRUE(got.insert(hit.name()).second) << hit.name();
    EXPECT_EQ(page.total_size(), static_cast<int64_t>(want.size()));
    request.set_page_token(page.next_page_token());
    ASSERT_LT(++pages, 50);
  } while (!request.page_token().empty());
  EXPECT_EQ(got, want);
  EXPECT_GT(pages, 1);
}

TEST_F(SearchTest, UpdatesAndDeletesShowInResults) {
  v1::Initiative initiative = MakeInitiative("collaboratives/wessex", "Axolotl handover bundle");
  auto created = client_->CreateInitiative(initiative, {.id = "axolotl"});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(Names(Search("axolotl")), std::vector<std::string>{"initiatives/axolotl"});

  created->set_title("Quokka handover bundle");
  google::protobuf::FieldMask mask;
  mask.add_paths("title");
  ASSERT_TRUE(client_->UpdateInitiative(*created, mask).ok());
  EXPECT_EQ(Search("axolotl").total_size(), 0);
  EXPECT_EQ(Names(Search("quokka")), std::vector<std::string>{"initiatives/axolotl"});

  ASSERT_TRUE(client_->DeleteInitiative("initiatives/axolotl").ok());
  EXPECT_EQ(Search("quokka").total_size(), 0);
}

TEST_F(SearchTest, ResultsRespectTheCallersRole) {
  v1::CaseStudy draft = MakeCaseStudy("collaboratives/wessex", "Wombat discharge checklist");
  draft.set_publication_state(v1::DRAFT);
  ASSERT_TRUE(client_->CreateCaseStudy(draft, {.id = "wombat"}).ok());
  EXPECT_EQ(Search("wombat").total_size(), 1);

  auto atlas = ClientAs("atlas");
  v1::SearchRequest request;
  request.set_query("wombat OR sepsis OR huddles");
  v1::SearchResponse seen = SearchAs(*atlas, request);
  EXPECT_GT(seen.total_size(), 0);
  for (const auto& hit : seen.hits()) {
    EXPECT_EQ(hit.kind(), "caseStudies") << hit.name();
    EXPECT_NE(hit.name(), "caseStudies/wombat");  // a draft
  }
  EXPECT_EQ(Facets(seen)["kind"].size(), 1u);

  request.add_kinds("experts");
  auto denied = atlas->Search(request);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(denied.status()), "ROLE_NOT_ALLOWED");
  auto experts = atlas->FindExperts(v1::FindExpertsRequest());
  EXPECT_EQ(experts.status().code(), absl::StatusCode::kPermissionDenied);

  // A reader finds experts, without their contact data.
  auto reader = ClientAs("reader");
  v1::FindExpertsRequest find;
  find.set_skill(v1::HUMAN_FACTORS);
  auto found = reader->FindExperts(find);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_GT(found->experts_size(), 0);
  for (const auto& m : found->experts()) EXPECT_FALSE(m.expert().has_contact());
}

TEST_F(SearchTest, BadRequestsGetClearErrors) {
  auto expect = [&](const absl::StatusOr<v1::SearchResponse>& r, absl::StatusCode code,
                    const std::string& reason) {
    EXPECT_EQ(r.status().code(), code) << r.status();
    EXPECT_EQ(Reason(r.status()), reason) << r.status();
  };
  v1::SearchRequest bad_kind;
  bad_kind.add_kinds("widgets");
  expect(client_->Search(bad_kind), absl::StatusCode::kInvalidArgument, "VALIDATION_FAILED");
  v1::SearchRequest bad_enum;
  bad_enum.add_workstreams(v1::WORKSTREAM_UNSPECIFIED);
  expect(client_->Search(bad_enum), absl::StatusCode::kInvalidArgument, "VALIDATION_FAILED");
  v1::SearchRequest negative;
  negative.set_page_size(-1);
  expect(client_->Search(negative), absl::StatusCode::kInvalidArgument, "INVALID_PAGE_SIZE");
  v1::SearchRequest tampered;
  tampered.set_page_token("bm90IGEgdG9rZW4");
  expect(client_->Search(tampered), absl::StatusCode::kInvalidArgument, "INVALID_PAGE_TOKEN");
  v1::SearchRequest too_long;
  too_long.set_query(std::string(1001, 'a'));
  expect(client_->Search(too_long), absl::StatusCode::kInvalidArgument, "VALIDATION_FAILED");
  v1::SearchRequest ahead;
  ahead.set_min_sequence(Latest() + 1000);
  expect(client_->Search(ahead), absl::StatusCode::kInvalidArgument, "SEQUENCE_AHEAD");
  v1::SearchRequest unparsable;
  unparsable.set_query("sepsis AND");
  expect(client_->Search(unparsable), absl::StatusCode::kInvalidArgument, "INVALID_QUERY");

  v1::FindExpertsRequest level_alone;
  level_alone.set_min_level(v1::ADVANCED);
  auto experts = client_->FindExperts(level_alone);
  EXPECT_EQ(experts.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(experts.status().message().find("min_level"), std::string::npos);
  v1::FindExpertsRequest days;
  days.set_min_free_days(40);
  EXPECT_EQ(client_->FindExperts(days).status().code(), absl::StatusCode::kInvalidArgument);

  v1::FindSimilarInitiativesRequest both;
  both.set_name("initiatives/safety-huddles-yh");
  both.set_text("huddles");
  EXPECT_EQ(client_->FindSimilarInitiatives(both).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::FindSimilarInitiativesRequest missing;
  missing.set_name("initiatives/nope");
  EXPECT_EQ(client_->FindSimilarInitiatives(missing).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SearchTest, CliSearchFindAndSimilar) {
  ProcessResult search = Psc({"search", "sepsis dashboard", "--kind", "caseStudies"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  EXPECT_EQ(search.out.rfind("caseStudies/sepsis-dashboard  Suspicion of sepsis dashboard", 0), 0u)
      << search.out;
  EXPECT_NE(search.out.find("*sepsis*"), std::string::npos) << search.out;
  EXPECT_NE(search.out.find("kind: caseStudies 1"), std::string::npos) << search.out;

  ProcessResult find = Psc(
      {"experts", "find", "--skill", "human-factors", "--region", "South West", "--min-days", "2"});
  ASSERT_EQ(find.exit_code, 0) << find.err;
  EXPECT_NE(find.out.find("human factors at "), std::string::npos) << find.out;
  EXPECT_NE(find.out.find("covers South West"), std::string::npos) << find.out;

  ProcessResult similar = Psc({"initiatives", "similar", "safety-huddles-yh"});
  ASSERT_EQ(similar.exit_code, 0) << similar.err;
  EXPECT_NE(similar.out.find("SIMILARITY"), std::string::npos) << similar.out;
  EXPECT_EQ(similar.out.find("initiatives/safety-huddles-yh "), std::string::npos) << similar.out;

  ProcessResult bad_region = Psc({"experts", "find", "--region", "Atlantis"});
  EXPECT_EQ(bad_region.exit_code, 2) << bad_region.err;
  EXPECT_NE(bad_region.err.find("Atlantis"), std::string::npos) << bad_region.err;
  ProcessResult bad_query = Psc({"search", "sepsis AND"});
  EXPECT_EQ(bad_query.exit_code, 4) << bad_query.err;
  EXPECT_NE(bad_query.err.find("INVALID_QUERY"), std::string::npos) << bad_query.err;
}

}  // namespace
}  // namespace psc::testing
