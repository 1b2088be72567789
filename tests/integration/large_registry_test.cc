// The registry at the sizes its bounds allow: 440 initiatives at their maximum size (about
// 75 MB) list in pages under the byte budget, and export and import whole through the CLI.

#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "tests/integration/cli_fixture.h"

namespace psc::testing {
namespace {

constexpr int kInitiatives = 440;

// The peak resident memory of process `pid` in MB (VmHWM), or -1.
int PeakMegabytes(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
      int kb = 0;
      if (parts.size() >= 2 && absl::SimpleAtoi(parts[1], &kb)) return kb / 1024;
    }
  }
  return -1;
}

class LargeRegistryTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    AddCollaborative("wessex");
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([this, t] {
        for (int i = t; i < kInitiatives; i += 4) {
          auto created = client_->CreateInitiative(
              MakeLargestInitiative("collaboratives/wessex", absl::StrCat("Initiative ", i)),
              {.id = absl::StrCat("large-", i)});
          ASSERT_TRUE(created.ok()) << created.status();
        }
      });
    }
    for (auto& w : writers) w.join();
  }
};

TEST_F(LargeRegistryTest, PagesStopAtTheByteBudgetAndTogetherHoldEverything) {
  v1::ListInitiativesRequest request;
  request.set_page_size(50);
  std::set<std::string> seen;
  int pages = 0;
  do {
    auto page = client_->ListInitiatives(request);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LT(page->ByteSizeLong(), 4u << 20);
    EXPECT_GT(page->initiatives_size(), 0);
    for (const auto& i : page->initiatives()) EXPECT_TRUE(seen.insert(i.name()).second);
    request.set_page_token(page->next_page_token());
    ++pages;
  } while (!request.page_token().empty());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kInitiatives));
  EXPECT_GT(pages, kInitiatives / 50);  // the budget, not page_size, cut the pages

  v1::ListChangesRequest changes;
  changes.set_page_size(1000);
  uint64_t listed = 0;
  for (uint64_t after = 0; after < client_->ListInitiatives({})->sequence();) {
    changes.set_after_sequence(after);
    auto page = client_->ListChanges(changes);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LT(page->ByteSizeLong(), 4u << 20);
    listed += page->changes_size();
    after = page->next_after_sequence();
  }
  EXPECT_EQ(listed, static_cast<uint64_t>(kInitiatives + 1));
}

TEST_F(LargeRegistryTest, ExportAndImportCarryEveryRecord) {
  const std::string file = data_dir_.Sub("large.jsonl");
  ProcessResult exported = Psc({"export", "--out", file});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::cout << "pscd peak memory after exporting " << kInitiatives
            << " largest initiatives: " << PeakMegabytes(pscd_->pid()) << " MB\n";
  std::ifstream in(file);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  const std::vector<std::string> before = NormalizedExport(text);
  ASSERT_EQ(before.size(), static_cast<size_t>(kInitiatives + 1));

  TempDir other_dir;
  auto other = PscdProcess::Start({.data_dir = other_dir.Sub("data")});
  ASSERT_TRUE(other.ok()) << other.status();
  std::vector<std::string> env = CliEnv((*other)->target(), "admin");
  ProcessResult imported = RunProcess({PSC_CLI_PATH, "import", file}, env);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  // Through batches that keep under the request bound, not a line a call after refused ones.
  ASSERT_TRUE((*other)->WaitForLog("call method=BatchCreateRecords code=OK"));
  const std::string log = (*other)->Log();
  EXPECT_EQ(log.find("REQUEST_TOO_LARGE"), std::string::npos) << log.substr(0, 2000);
  ProcessResult again = RunProcess({PSC_CLI_PATH, "export"}, env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(NormalizedExport(again.out), before);
}

}  // namespace
}  // namespace psc::testing
