// A full disk is an expected condition: on a small tmpfs filled under pscd, writes fail fast
// with UNAVAILABLE / STORAGE_FULL (no paths), reads, search and watches go on, and writes
// resume by themselves once space is freed. Needs root to mount the tmpfs; skipped otherwise.

#include <signal.h>

#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/eventually.h"
#include "tests/testing/small_disk.h"

namespace psc::testing {
namespace {

// A full disk's refusal: UNAVAILABLE / STORAGE_FULL, with no server path in the message.
void ExpectStorageFull(const absl::Status& refused) {
  ASSERT_EQ(refused.code(), absl::StatusCode::kUnavailable) << refused;
  EXPECT_EQ(Reason(refused), "STORAGE_FULL");
  EXPECT_EQ(refused.message().find('/'), std::string::npos) << refused;
}

// Reads and search of a registry holding one expert, "experts/before", go on.
void ExpectReadsOfTheOneExpert(client::RegistryClient& client) {
  EXPECT_TRUE(client.GetExpert("experts/before").ok());
  EXPECT_EQ(client.ListAllExperts()->size(), 1u);
  v1::SearchRequest search;
  search.set_query("human factors");
  auto found = client.Search(search);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->total_size(), 1);
}

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!small_disk_.mounted().ok()) GTEST_SKIP() << small_disk_.mounted().message();
  }
  void TearDown() override { pscd_.reset(); }  // before the disk goes

  // Starts pscd (fsync on) on the tmpfs with `--min-free-disk-mb reserve_mb`, creates
  // collaboratives/wessex, and returns an admin's client options (5 s deadline).
  client::ClientOptions StartWithWessex(const std::string& reserve_mb) {
    auto pscd = PscdProcess::Start({.data_dir = disk_ + "/data",
                                    .fsync = true,
                                    .extra_args = {"--min-free-disk-mb", reserve_mb}});
    EXPECT_TRUE(pscd.ok()) << pscd.status();
    if (!pscd.ok()) return {};
    pscd_ = *std::move(pscd);
    client::ClientOptions options = ClientOptionsAs(pscd_->target(), "admin");
    options.deadline = absl::Seconds(5);
    EXPECT_TRUE(client::RegistryClient(options)
                    .CreateCollaborative(MakeCollaborative("Wessex"), {.id = "wessex"})
                    .ok());
    return options;
  }

  TempDir dir_;
  SmallDisk small_disk_{dir_.Sub("disk")};
  const std::string disk_ = small_disk_.dir();
  std::unique_ptr<PscdProcess> pscd_;
};

TEST_F(DiskFullTest, WritesRefuseFastReadsGoOnAndWritesResumeWhenSpaceReturns) {
  const client::ClientOptions options = StartWithWessex("16");
  ASSERT_NE(pscd_, nullptr);
  client::RegistryClient client(options);
  ASSERT_TRUE(client.CreateExpert(MakeExpert("collaboratives/wessex"), {.id = "before"}).ok());

  // A watcher open across the whole episode.
  std::atomic<int> watched{0};
  absl::Status watch_status;
  std::thread watcher([&] {
    client::RegistryClient::WatchHandlers handlers;
    handlers.on_change = [&](const v1::ChangeEvent& e) {
      ++watched;
      return e.resource_name() != "experts/after";
    };
    watch_status = client::RegistryClient(ClientOptionsAs(pscd_->target(), "reader"))
                       .WatchChanges(0, {"experts"}, handlers);
  });

  FillLeaving(disk_, disk_ + "/filler", 8 * kMiB);
  ASSERT_LT(FreeBytes(disk_), 16 * kMiB);
  const absl::Time asked = absl::Now();
  auto refused = client.CreateExpert(MakeExpert("collaboratives/wessex"), {.id = "during"});
  EXPECT_LT(absl::Now() - asked, absl::Seconds(1));  // fails fast, does not hang
  ExpectStorageFull(refused.status());
  EXPECT_GT(client::GetErrorDetails(refused.status()).retry_delay, absl::ZeroDuration());
  ExpectReadsOfTheOneExpert(client);
  EXPECT_TRUE(pscd_->WaitForLog("writes are refused (STORAGE_FULL)"));

  // Space returns: the next write goes through, without a restart, and is searchable.
  std::filesystem::remove(disk_ + "/filler");
  absl::StatusOr<v1::Expert> after;
  Eventually([&] {
    after = client.CreateExpert(MakeExpert("collaboratives/wessex"), {.id = "after"});
    return after.ok();
  });
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(pscd_->WaitForLog("writes resumed"));
  v1::ListExpertsRequest list;
  v1::SearchRequest search;
  search.set_query("human factors");
  search.set_min_sequence(client.ListExperts(list)->sequence());
  auto found = client.Search(search);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->total_size(), 2);
  watcher.join();
  EXPECT_TRUE(watch_status.ok()) << watch_status;
  EXPECT_EQ(watched, 2);  // "before" and "after": nothing lost, nothing phantom
  EXPECT_EQ(pscd_->Stop(SIGTERM), 0);
}

// With no reserve (--min-free-disk-mb 0), RocksDB itself meets ENOSPC under concurrent
// writers: pscd stays up, loses no acknowledged write, serves reads, and once space is freed
// resumes writes by itself (RocksDB's DB::Resume), with the search index catching up.
TEST_F(DiskFullTest, WithNoReserveARealEnospcIsSurvivedAndWritesResumeWhenSpaceReturns) {
  const client::ClientOptions options = StartWithWessex("0");
  ASSERT_NE(pscd_, nullptr);
  client::RegistryClient client(options);
  FillLeaving(disk_, disk_ + "/filler", 4 * kMiB);

  // Writers of 4 KB experts until every one of them is refused for a second.
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::map<std::string, int> refusals;  // by reason
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      client::RegistryClient writer(options);
      absl::Time refused_since = absl::InfiniteFuture();
      for (int i = 0; absl::Now() - refused_since < absl::Seconds(1) && i < 5000; ++i) {
        v1::Expert expert = MakeExpert("collaboratives/wessex");
        expert.set_bio(std::string(4000, 'b'));
        const std::string id = absl::StrCat("w", w, "-", i);
        auto created = writer.CreateExpert(expert, {.id = id});
        std::lock_guard<std::mutex> lock(mu);
        if (created.ok()) {
          acknowledged.push_back("experts/" + id);
          refused_since = absl::InfiniteFuture();
        } else {
          ++refusals[absl::StrCat(absl::StatusCodeToString(created.status().code()), " ",
                                  Reason(created.status()))];
          refused_since = std::min(refused_since, absl::Now());
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  for (const auto& [reason, count] : refusals) std::cout << count << " refused: " << reason << "\n";
  ASSERT_FALSE(refusals.empty()) << "the disk never filled";
  ASSERT_EQ(kill(pscd_->pid(), 0), 0) << pscd_->Log();  // still running
  ExpectStorageFull(
      client.CreateExpert(MakeExpert("collaboratives/wessex"), {.id = "during"}).status());
  EXPECT_TRUE(client.GetCollaborative("collaboratives/wessex").ok());  // reads go on

  std::filesystem::remove(disk_ + "/filler");
  const absl::Time freed = absl::Now();
  absl::StatusOr<v1::Expert> after;
  ASSERT_TRUE(Eventually(
      [&] {
        after = client.CreateExpert(MakeExpert("collaboratives/wessex"), {.id = "after"});
        return after.ok();
      },
      absl::Seconds(30)))
      << after.status() << pscd_->Log();
  std::cout << acknowledged.size() << " writes acknowledged before the disk filled; writes "
            << "resumed " << absl::FormatDuration(absl::Now() - freed)
            << " after space was freed\n";
  acknowledged.push_back("experts/after");
  for (const std::string& name : acknowledged) {
    EXPECT_TRUE(client.GetExpert(name).ok()) << name;
  }
  EXPECT_EQ(client.ListAllExperts()->size(), acknowledged.size());
  // The search index catches up with every acknowledged write.
  v1::SearchRequest search;
  search.set_query("human factors");
  search.set_min_sequence(client.ListExperts(v1::ListExpertsRequest())->sequence());
  auto found = client.Search(search);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->total_size(), static_cast<int64_t>(acknowledged.size()));
  // And every one of them is durable: a restart finds them all.
  EXPECT_EQ(pscd_->Stop(SIGTERM), 0);
  auto pscd = PscdProcess::Start({.data_dir = disk_ + "/data", .fsync = true});
  ASSERT_TRUE(pscd.ok()) << pscd.status();
  pscd_ = *std::move(pscd);
  client::RegistryClient restarted(ClientOptionsAs(pscd_->target(), "admin"));
  EXPECT_EQ(restarted.ListAllExperts()->size(), acknowledged.size());
}

// pscd started on a disk already below its reserve serves reads and search, refuses writes
// (STORAGE_FULL, no paths), stops cleanly, and takes writes again once restarted with space.
TEST_F(DiskFullTest, AServerStartedOnAFullDiskServesReadsAndRefusesWrites) {
  const PscdProcess::Options options = {
      .data_dir = disk_ + "/data", .fsync = true, .extra_args = {"--min-free-disk-mb", "16"}};
  auto pscd = PscdProcess::Start(options);
  ASSERT_TRUE(pscd.ok()) << pscd.status();
  pscd_ = *std::move(pscd);
  {
    client::RegistryClient client(ClientOptionsAs(pscd_->target(), "admin"));
    ASSERT_TRUE(client.CreateCollaborative(MakeCollaborative("Wessex"), {.id = "wessex"}).ok());
    ASSERT_TRUE(client.CreateExpert(MakeExpert("collaboratives/wessex"), {.id = "before"}).ok());
  }
  ASSERT_EQ(pscd_->Stop(SIGTERM), 0);

  FillLeaving(disk_, disk_ + "/filler", 8 * kMiB);
  ASSERT_LT(FreeBytes(disk_), 16 * kMiB);
  pscd = PscdProcess::Start(options);
  ASSERT_TRUE(pscd.ok()) << pscd.status();
  pscd_ = *std::move(pscd);
  EXPECT_TRUE(pscd_->WaitForLog("opened read-only")) << pscd_->Log();
  client::RegistryClient client(ClientOptionsAs(pscd_->target(), "admin"));
  ExpectReadsOfTheOneExpert(client);
  auto refused = client.CreateExpert(MakeExpert("collaboratives/wessex"), {.id = "during"});
  ExpectStorageFull(refused.status());
  EXPECT_NE(refused.status().message().find("full when the server started"), std::string::npos)
      << refused.status();
  EXPECT_EQ(pscd_->Stop(SIGTERM), 0);

  std::filesystem::remove(disk_ + "/filler");
  pscd = PscdProcess::Start(options);
  ASSERT_TRUE(pscd.ok()) << pscd.status();
  pscd_ = *std::move(pscd);
  client::RegistryClient again(ClientOptionsAs(pscd_->target(), "admin"));
  EXPECT_TRUE(again.CreateExpert(MakeExpert("collaboratives/wessex"), {.id = "after"}).ok());
  EXPECT_EQ(again.ListAllExperts()->size(), 2u);
}

}  // namespace
}  // namespace psc::testing
