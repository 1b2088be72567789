// psc-atlas-sync against a real pscd: export as the atlas principal, crash safety, import.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/eventually.h"
#include "tests/testing/run_process.h"

namespace psc::testing {
namespace {

// Every file in `dir` by name, with its contents.
std::map<std::string, std::string> Files(const std::string& dir) {
  std::map<std::string, std::string> files;
  if (!std::filesystem::exists(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().starts_with(".")) continue;  // temporaries
    std::ifstream in(entry.path());
    files[entry.path().filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

class AtlasSyncTest : public RegistryTest {
 protected:
  std::vector<std::string> SyncArgs(const std::string& who) {
    const std::string certs = TestCertsDir();
    return {PSC_ATLAS_SYNC_PATH,
            "--target",
            pscd_->target(),
            "--ca",
            certs + "/ca.crt",
            "--cert",
            certs + "/" + who + ".crt",
            "--key",
            certs + "/" + who + ".key"};
  }

  ProcessResult Export(const std::string& state, const std::string& outbox, int page_size = 200) {
    std::vector<std::string> args = SyncArgs("atlas");
    args.insert(args.end(), {"export", "--state", state, "--outbox", outbox, "--once",
                             "--page-size", absl::StrCat(page_size)});
    return RunProcess(args);
  }

  // A fresh pscd that keeps only the last 3 changes of its log, so that a cursor expires.
  void RestartKeepingThreeChanges() {
    StopServer();
    auto trimmed = PscdProcess::Start(
        {.data_dir = data_dir_.Sub("trimmed"),
         .extra_args = {"--retention-count", "3", "--trim-interval-seconds", "0.1"}});
    ASSERT_TRUE(trimmed.ok());
    pscd_ = *std::move(trimmed);
    client_ = ClientAs("admin");
  }

  // Case-study changes of every sort: drafts, publications, edits, withdrawals, deletions.
  void MakeHistory(int count) {
    AddCollaborative("wessex");
    for (int i = 0; i < count; ++i) {
      std::string id = absl::StrCat("cs", i);
      v1::CaseStudy c = MakeCaseStudy("collaboratives/wessex", absl::StrCat("Case study ", i));
      c.set_publication_state(i % 4 == 0 ? v1::DRAFT : v1::PUBLISHED);
      ASSERT_TRUE(client_->CreateCaseStudy(c, {.id = id}).ok());
      v1::CaseStudy patch;
      patch.set_name("caseStudies/" + id);
      patch.set_summary(absl::StrCat("Edited summary ", i));
      ASSERT_TRUE(client_->UpdateCaseStudy(patch).ok());
      if (i % 5 == 1) {
        patch.Clear();
        patch.set_name("caseStudies/" + id);
        patch.set_publication_state(v1::WITHDRAWN);
        ASSERT_TRUE(client_->UpdateCaseStudy(patch).ok());
      }
      if (i % 7 == 2) {
        ASSERT_TRUE(client_->DeleteCaseStudy("caseStudies/" + id).ok());
      }
      ASSERT_TRUE(client_->CreateExpert(MakeExpert("collaboratives/wessex")).ok());  // noise
    }
  }
};

TEST_F(AtlasSyncTest, ExportsPublishedCaseStudiesAndRemovalsFromItsCursor) {
  MakeHistory(8);
  std::string state = data_dir_.Sub("state"), outbox = data_dir_.Sub("outbox");
  ProcessResult first = Export(state, outbox);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto files = Files(outbox);
  int posts = 0, removals = 0;
  for (const auto& [name, doc] : files) {
    EXPECT_EQ(doc.find("Edited summary 0"), std::string::npos) << "a draft leaked: " << name;
    if (doc.find("\"status\": \"trash\"") != std::string::npos) {
      ++removals;
    } else {
      ++posts;
      EXPECT_NE(doc.find("\"title\": {"), std::string::npos);
      EXPECT_NE(doc.find("\"rendered\""), std::string::npos);
      EXPECT_NE(doc.find("\"modified_gmt\""), std::string::npos);
      EXPECT_NE(doc.find("\"registry_name\": \"caseStudies/"), std::string::npos);
    }
  }
  EXPECT_GT(posts, 8);
  EXPECT_GE(removals, 2);  // the withdrawn and the deleted published ones
  // A second run starts from the saved cursor: nothing new to write.
  ProcessResult second = Export(state, outbox);
  ASSERT_EQ(second.exit_code, 0);
  EXPECT_NE(second.err.find("(0 documents written)"), std::string::npos) << second.err;
  EXPECT_EQ(Files(outbox), files);
}

// A metric linked to a measure series reaches the Atlas with the SPC figures, which the
// Atlas principal could not read itself.
TEST_F(AtlasSyncTest, ExportsTheHeadlineFiguresOfEvidenceLinkedMetrics) {
  AddCollaborative("wessex");
  v1::Initiative i = MakeInitiative("collaboratives/wessex");
  i.mutable_measures(0)->set_id("falls");
  i.mutable_measures(0)->set_name("Inpatient falls");
  i.mutable_measures(0)->set_unit("falls a month");
  ASSERT_TRUE(client_->CreateInitiative(i, {.id = "huddles"}).ok());
  v1::BatchUpsertMeasurementsRequest batch;
  batch.set_parent("initiatives/huddles");
  for (int k = 0; k < 8; ++k) {
    v1::Measurement* m = batch.add_measurements();
    m->set_measure("falls");
    m->set_site("ref");
    m->set_site_name("Royal Cornwall");
    *m->mutable_point()->mutable_period() = v1::Date();
    m->mutable_point()->mutable_period()->set_year(2024);
    m->mutable_point()->mutable_period()->set_month(k + 1);
    m->mutable_point()->mutable_period()->set_day(1);
    m->mutable_point()->set_value(k < 4 ? 10 : 6);
    m->mutable_point()->set_rebase(k == 4);
  }
  ASSERT_TRUE(client_->BatchUpsertMeasurements(batch).ok());
  v1::CaseStudy c = MakeCaseStudy("collaboratives/wessex", "Huddles cut falls");
  c.set_initiative("initiatives/huddles");
  c.set_publication_state(v1::PUBLISHED);
  v1::ImpactMetric* metric = c.mutable_impact()->add_metrics();
  metric->set_name("Falls");
  metric->set_before("typed by hand");
  metric->set_evidence_series("initiatives/huddles/series/falls--ref");
  auto created = client_->CreateCaseStudy(c, {.id = "falls"});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->impact().metrics(0).before(), "10");
  EXPECT_EQ(created->impact().metrics(0).after(), "6");

  std::string state = data_dir_.Sub("state"), outbox = data_dir_.Sub("outbox");
  ProcessResult run = Export(state, outbox);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string post;
  for (const auto& [name, doc] : Files(outbox)) {
    if (doc.find("caseStudies/falls") != std::string::npos) post = doc;
  }
  // JSON escapes the tags.
  EXPECT_NE(post.find("\\u003ch2\\u003eHeadline figures\\u003c/h2\\u003e"), std::string::npos)
      << post;
  EXPECT_NE(post.find("Falls: 10 before, 6 after (falls a month). Means of Inpatient falls at "
                      "Royal Cornwall over 4 periods before and 4 from 2024-05, from the "
                      "registry's SPC chart"),
            std::string::npos)
      << post;
}

TEST_F(AtlasSyncTest, KilledAtRandomPointsItEndsWithTheSameOutbox) {
  MakeHistory(40);
  std::string reference = data_dir_.Sub("reference");
  ASSERT_EQ(Export(data_dir_.Sub("reference.state"), reference, 5).exit_code, 0);

  std::string outbox = data_dir_.Sub("crashy"), state = data_dir_.Sub("crashy.state");
  std::vector<std::string> args = SyncArgs("atlas");
  args.insert(args.end(),
              {"export", "--state", state, "--outbox", outbox, "--once", "--page-size", "5"});
  std::mt19937 rng(7);
  int kills = 0;
  bool finished = false;
  for (int attempt = 0; attempt < 300 && !finished; ++attempt) {
    pid_t pid = ::fork();
    if (pid == 0) {
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, STDERR_FILENO);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    // The window widens with each attempt, so that a slow (loaded) machine still gets runs
    // that finish.
    ::usleep(std::uniform_int_distribution<int>(0, 40000 + attempt * 2000)(rng));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      finished = true;
    } else {
      ++kills;
    }
  }
  ASSERT_TRUE(finished) << "never completed in 300 attempts";
  EXPECT_GT(kills, 0);
  // Whatever the last killed run left, a final uninterrupted run completes the outbox.
  ASSERT_EQ(Export(state, outbox, 5).exit_code, 0);
  EXPECT_EQ(Files(outbox), Files(reference)) << kills << " kills";
  std::cout << "psc-atlas-sync export survived " << kills << " SIGKILLs\n";
}

TEST_F(AtlasSyncTest, ResyncsInFullWhenItsCursorHasExpired) {
  ASSERT_NO_FATAL_FAILURE(RestartKeepingThreeChanges());
  MakeHistory(8);
  ASSERT_TRUE(pscd_->WaitForLog("oldest retained sequence")) << pscd_->Log();
  std::string outbox = data_dir_.Sub("outbox");
  ProcessResult r = Export(data_dir_.Sub("state"), outbox);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("expired"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("resyncing in full"), std::string::npos) << r.err;
  auto published = client_->ListAllCaseStudies("publication_state = PUBLISHED");
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(Files(outbox).size(), published->size());
  // Written a page at a time (DurableBatch): nothing left under a temporary name, none empty.
  for (const auto& entry : std::filesystem::directory_iterator(outbox)) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".")) << entry.path();
  }
  for (const auto& [name, doc] : Files(outbox)) {
    EXPECT_NE(doc.find("\"title\""), std::string::npos) << name << ": " << doc;
  }
}

// A resync of more than two pages of 1,000 writes every published case study once, each with its
// own content.
TEST_F(AtlasSyncTest, AResyncOfSeveralPagesWritesEveryCaseStudyOnce) {
  ASSERT_NO_FATAL_FAILURE(RestartKeepingThreeChanges());
  AddCollaborative("wessex");
  constexpr int kCaseStudies = 2105;
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&, w] {
      for (int i = w; i < kCaseStudies; i += 8) {
        v1::CaseStudy c = MakeCaseStudy("collaboratives/wessex", absl::StrCat("Case study ", i));
        c.set_publication_state(v1::PUBLISHED);
        EXPECT_TRUE(client_->CreateCaseStudy(c, {.id = absl::StrCat("cs", i)}).ok());
      }
    });
  }
  for (std::thread& t : writers) t.join();
  ASSERT_TRUE(pscd_->WaitForLog("oldest retained sequence")) << pscd_->Log();
  std::string outbox = data_dir_.Sub("outbox");
  ProcessResult r = Export(data_dir_.Sub("state"), outbox);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("full resync wrote 2105 case studies"), std::string::npos) << r.err;
  const auto files = Files(outbox);
  ASSERT_EQ(files.size(), static_cast<size_t>(kCaseStudies));
  std::set<std::string> titles;
  for (const auto& [name, doc] : files) {
    const size_t at = doc.find("Case study ");
    ASSERT_NE(at, std::string::npos) << name;
    titles.insert(doc.substr(at, doc.find('"', at) - at));
  }
  EXPECT_EQ(titles.size(), static_cast<size_t>(kCaseStudies));
}

TEST_F(AtlasSyncTest, ContinuousExportFollowsLiveChanges) {
  AddCollaborative("wessex");
  std::string outbox = data_dir_.Sub("live");
  std::vector<std::string> args = SyncArgs("atlas");
  args.insert(args.end(), {"export", "--state", data_dir_.Sub("live.state"), "--outbox", outbox});
  std::thread follower([&] { RunProcess(args); });
  // Live: created once the follower has caught up (it saves its cursor) and watches from there.
  ASSERT_TRUE(Eventually([&] { return std::filesystem::exists(data_dir_.Sub("live.state")); }));
  v1::CaseStudy c = MakeCaseStudy("collaboratives/wessex");
  c.set_publication_state(v1::PUBLISHED);
  ASSERT_TRUE(client_->CreateCaseStudy(c, {.id = "live"}).ok());
  EXPECT_TRUE(Eventually([&] {
    for (const auto& [name, doc] : Files(outbox)) {
      if (name.ends_with("-live.json")) return true;
    }
    return false;
  }));
  StopServer();  // the follower's watch ends when the server goes away
  follower.join();
}

TEST_F(AtlasSyncTest, ImportUpsertsWordPressPostsByAtlasId) {
  AddCollaborative("wessex");
  std::string file = data_dir_.Sub("posts.json");
  std::ofstream(file) << R"json([
    {"id": 501, "title": {"rendered": "Falls &amp; frailty"},
     "content": {"rendered": "<p>Fewer <b>falls</b> on older people's wards.</p>"},
     "status": "publish", "link": "https://atlas.example.org/501", "author": 3},
    {"id": 502, "title": {"rendered": "Safer discharge"}, "content": {"rendered": "<p>Draft.</p>"},
     "status": "draft"}])json";
  std::vector<std::string> args = SyncArgs("lead-wessex");
  args.insert(args.end(), {"import", file, "--owner", "collaboratives/wessex"});
  ProcessResult first = RunProcess(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("2 created"), std::string::npos) << first.err;
  auto c = client_->ListAllCaseStudies("atlas_id = \"501\"");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].title(), "Falls & frailty");
  EXPECT_EQ((*c)[0].summary(), "Fewer falls on older people's wards.");
  EXPECT_EQ((*c)[0].publication_state(), v1::PUBLISHED);

  ProcessResult again = RunProcess(args);
  EXPECT_NE(again.err.find("0 created, 0 updated, 2 unchanged"), std::string::npos) << again.err;

  std::ofstream(file, std::ios::trunc)
      << R"json([{"id": 502, "title": {"rendered": "Safer discharge"}, "status": "publish"}])json";
  ProcessResult changed = RunProcess(args);
  EXPECT_NE(changed.err.find("1 updated"), std::string::npos) << changed.err;
  EXPECT_EQ(client_->GetCaseStudy("caseStudies/atlas-502")->publication_state(), v1::PUBLISHED);
}

}  // namespace
}  // namespace psc::testing
