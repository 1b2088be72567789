#include "server/storage/power_loss_fs.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "server/storage/store.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/storage/mutations.h"

namespace psc::storage {
namespace {

namespace fs = std::filesystem;

// The power-loss file system, through the store it is made for: what a commit's fsync makes
// durable survives the image, and what was only written does not.
class PowerLossFileSystemTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open(const std::string& path, bool sync) {
    auto store =
        Store::Open({.path = path, .sync = sync, .min_free_bytes = 0, .env = file_system_->env()});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }
  // The data dir as a disk would hold it had power been lost now.
  std::string Image() {
    const std::string image = dir_.Sub("image-" + std::to_string(++images_));
    EXPECT_TRUE(file_system_->CaptureDurable({{data_, image}}).ok());
    return image;
  }
  static std::optional<std::string> Read(const Store& store, const std::string& key) {
    auto value = store.Snapshot()->Get(Family::kRecords, key);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() ? *value : std::nullopt;
  }

  testing::TempDir dir_;
  const std::string data_ = fs::path(dir_.Sub("data")).lexically_normal().string();
  std::unique_ptr<PowerLossFileSystem> file_system_ = PowerLossFileSystem::Create();
  int images_ = 0;
};

TEST_F(PowerLossFileSystemTest, WhatASyncedCommitWroteSurvives) {
  auto store = Open(data_, /*sync=*/true);
  ASSERT_TRUE(store->CommitAndWait(WriteAll("a")).ok());
  ASSERT_TRUE(store->CommitAndWait(WriteAll("b")).ok());
  const std::string image = Image();
  ASSERT_TRUE(store->CommitAndWait(WriteAll("c")).ok());  // after the power went
  store->Shutdown();
  store.reset();

  auto after = Store::Open({.path = image, .min_free_bytes = 0});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(Read(**after, "r/a"), "record a");
  EXPECT_EQ(Read(**after, "r/b"), "record b");
  EXPECT_EQ(Read(**after, "r/c"), std::nullopt);
  EXPECT_EQ((*after)->last_sequence(), 2u);
}

TEST_F(PowerLossFileSystemTest, WhatWasWrittenWithoutSyncIsLost) {
  auto store = Open(data_, /*sync=*/false);
  ASSERT_TRUE(store->CommitAndWait(WriteAll("a")).ok());
  // Readable here (it is in the WAL's file, in the page cache), but never synced.
  EXPECT_EQ(Read(*store, "r/a"), "record a");
  const std::string image = Image();
  store->Shutdown();
  store.reset();

  auto after = Store::Open({.path = image, .min_free_bytes = 0});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(Read(**after, "r/a"), std::nullopt);
  EXPECT_EQ((*after)->last_sequence(), 0u);
}

TEST_F(PowerLossFileSystemTest, AfterResetEveryFileOnDiskIsDurable) {
  {
    auto store = Open(data_, /*sync=*/false);
    ASSERT_TRUE(store->CommitAndWait(WriteAll("a")).ok());
    store->Shutdown();  // on disk now (in the page cache), though never synced
  }
  file_system_->Reset();
  auto store = Open(data_, /*sync=*/true);
  const std::string image = Image();
  store->Shutdown();
  store.reset();

  auto after = Store::Open({.path = image, .min_free_bytes = 0});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(Read(**after, "r/a"), "record a");
}

}  // namespace
}  // namespace psc::storage
