// Reads that must agree read one snapshot: lists given a view, and the national report.

#include "gtest/gtest.h"
#include "server/registry/fields/resource_fields.h"
#include "server/registry/records/list_all.h"
#include "server/registry/report/network_report.h"
#include "tests/testing/registry_harness.h"

namespace psc::registry {
namespace {

TEST(SnapshotTest, ListsOverOneViewDoNotSeeLaterWrites) {
  testing::RegistryHarness h;
  h.AddCollaborative("wessex");
  const auto view = h.registry().Snapshot();
  h.AddCollaborative("oxford");
  auto then = ListAllAs<v1::Collaborative>(h.registry(), CollaborativeKind(), "", nullptr, view);
  ASSERT_TRUE(then.ok());
  EXPECT_EQ(then->size(), 1u);
  auto now = ListAllAs<v1::Collaborative>(h.registry(), CollaborativeKind());
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->size(), 2u);
}

TEST(SnapshotTest, TheReportSaysWhichSequenceItReflects) {
  testing::RegistryHarness h;
  h.AddCollaborative("wessex");
  ASSERT_TRUE(h.Create(Caller::Admin(), InitiativeKind(),
                       testing::MakeInitiative("collaboratives/wessex"), "huddles")
                  .ok());
  auto report = RecountNetworkReport(h.registry(), Caller::Admin(), "");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->sequence(), h.store().last_sequence());
}

// A filter whose second term matches one record in 40 still pages with bounded work: pages
// stop after the scan limit, possibly empty, and the tokens lead to the match.
TEST(ListScanTest, ASelectiveFilterPagesWithBoundedScans) {
  testing::RegistryHarness h({.max_list_scan = 10});
  h.AddCollaborative("wessex");
  for (int i = 0; i < 40; ++i) {
    v1::Initiative initiative = testing::MakeInitiative("collaboratives/wessex");
    if (i == 33) initiative.add_topics("rare");
    ASSERT_TRUE(h.Create(Caller::Admin(), InitiativeKind(), initiative, absl::StrCat("i", i)).ok());
  }
  ListParams params;
  params.filter = "workstream = \"SAFETY_CULTURE\" AND topic = \"rare\"";
  std::vector<std::string> found;
  int pages = 0;
  do {
    auto page = h.registry().List(Caller::Admin(), InitiativeKind(), params);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& r : page->resources) found.push_back(GetName(*r));
    params.page_token = page->next_page_token;
    ++pages;
  } while (!params.page_token.empty());
  EXPECT_EQ(found, std::vector<std::string>{"initiatives/i33"});
  EXPECT_GE(pages, 4);  // 40 entries, 10 a page
}

}  // namespace
}  // namespace psc::registry
