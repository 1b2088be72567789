// Reads that must agree read one snapshot: lists given a view, and the national report.

#include "gtest/gtest.h"
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
  auto report = BuildNetworkReport(h.registry(), Caller::Admin(), "");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->sequence(), h.store().last_sequence());
}

}  // namespace
}  // namespace psc::registry
