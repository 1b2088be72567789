// The kind table and its start-up check.

#include "server/registry/kinds/kind_table.h"

#include "gtest/gtest.h"
#include "psc/registry/v1/record.pb.h"
#include "server/registry/access/visibility.h"
#include "server/registry/kinds/kind_check.h"
#include "tests/testing/resources.h"

namespace psc::registry {
namespace {

TEST(KindTableTest, TheTableIsConsistent) {
  EXPECT_TRUE(CheckKindTable().ok()) << CheckKindTable();
}

TEST(KindTableTest, AKindMissingFromTheTableIsNamed) {
  std::vector<const RecordKind*> kinds = EveryKind();
  kinds.erase(std::find(kinds.begin(), kinds.end(), &ExpertKind()));
  absl::Status status = CheckKinds(kinds);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("ChangeEvent.expert (oneof after) belongs to no kind"),
            std::string::npos)
      << status;
}

TEST(KindTableTest, ADuplicateCollectionIsRefused) {
  std::vector<const RecordKind*> kinds = EveryKind();
  kinds.push_back(&InitiativeKind());
  EXPECT_EQ(CheckKinds(kinds).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(KindTableTest, LookupsAndListsComeFromTheTable) {
  EXPECT_EQ(KindForCollection("caseStudies"), &CaseStudyKind());
  EXPECT_EQ(KindOfName("initiatives/a/joinRequests/b"), &JoinRequestKind());
  EXPECT_EQ(KindOfName("experts/e/requests/r"), &SharingRequestKind());
  EXPECT_EQ(KindOfName("initiatives/a/series/falls--ref"), &MeasureSeriesKind());
  EXPECT_EQ(KindForCollection("nope"), nullptr);
  EXPECT_EQ(CollectionList(SearchableKinds()),
            "collaboratives, initiatives, caseStudies, experts, resources");
  // Every kind is one member of the record a line of export holds, and each member a kind.
  EXPECT_EQ(static_cast<int>(EveryKind().size()),
            v1::RegistryRecord::descriptor()->FindOneofByName("kind")->field_count());
}

// The visibility rule, in its one place: the atlas sees published case studies and nothing
// else; the network's roles see everything; an unknown role nothing.
TEST(VisibilityTest, EachRoleSeesWhatItsRuleSays) {
  const Caller atlas{"atlas", v1::ATLAS, ""};
  v1::CaseStudy study = testing::MakeCaseStudy("collaboratives/wessex");
  study.set_publication_state(v1::DRAFT);
  EXPECT_FALSE(Visibility::For(atlas, CaseStudyKind()).Admits(study));
  study.set_publication_state(v1::PUBLISHED);
  EXPECT_TRUE(Visibility::For(atlas, CaseStudyKind()).Admits(study));
  EXPECT_FALSE(Visibility::For(atlas, ExpertKind()).readable());
  EXPECT_FALSE(Visibility::For(atlas, JoinRequestKind()).readable());
  EXPECT_FALSE(Visibility::For(atlas, MeasureSeriesKind()).readable());
  for (v1::Role role : {v1::ADMIN, v1::LEAD, v1::MEMBER, v1::READER}) {
    const Visibility v = Visibility::For(Caller{"x", role, ""}, CaseStudyKind());
    EXPECT_TRUE(v.readable());
    EXPECT_TRUE(v.required().empty());
  }
  EXPECT_FALSE(Visibility::For(Caller{"x", v1::ROLE_UNSPECIFIED, ""}, InitiativeKind()).readable());
}

}  // namespace
}  // namespace psc::registry
