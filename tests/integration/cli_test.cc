// The psc CLI, run as a process against a real pscd.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "psc/registry/v1/record.pb.h"
#include "server/registry/kinds/kind_table.h"
#include "tests/integration/cli_fixture.h"

namespace psc::testing {

std::string CliTest::WriteFile(const std::string& name, const std::string& text) {
  std::string path = data_dir_.Sub(name);
  std::ofstream(path) << text;
  return path;
}

std::vector<std::string> CliTest::NormalizedExport(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& line :
       std::vector<std::string>(absl::StrSplit(text, '\n', absl::SkipEmpty()))) {
    v1::RegistryRecord record;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &record).ok());
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(record, &json);
    for (const char* field : {"createTime", "updateTime", "etag"}) {
      // Drop "field":"value" pairs of server-owned fields.
      std::string key = std::string("\"") + field + "\":\"";
      for (size_t at; (at = json.find(key)) != std::string::npos;) {
        size_t end = json.find('"', at + key.size()) + 1;
        if (end < json.size() && json[end] == ',') ++end;
        json.erase(at, end - at);
      }
    }
    out.push_back(json);
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST_F(CliTest, InitiativeLifecycle) {
  ASSERT_EQ(Psc({"collaboratives", "create", "--id", "wessex", "--display-name", "Wessex PSC",
                 "--host-ahsn", "Wessex AHSN", "--region", "south-east"})
                .exit_code,
            0);
  ProcessResult created =
      Psc({"initiatives", "create", "--id", "huddles", "--title", "Safety huddles", "--lead",
           "wessex", "--workstream", "safety-culture", "--topic", "huddles", "--topic", "falls",
           "--start", "2019-04-01", "--output", "json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  v1::Initiative initiative;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(created.out, &initiative).ok());
  EXPECT_EQ(initiative.lead_collaborative(), "collaboratives/wessex");
  EXPECT_EQ(initiative.topics_size(), 2);
  EXPECT_EQ(initiative.start_date().month(), 4);

  ProcessResult table = Psc({"initiatives", "list", "--collaborative", "wessex"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::vector<std::string> rows = Lines(table.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].starts_with("NAME"));
  EXPECT_NE(rows[1].find("initiatives/huddles"), std::string::npos);
  EXPECT_NE(rows[1].find("Safety culture"), std::string::npos);  // enum values in words
  // The words a table shows are taken back by flags.
  ProcessResult by_words = Psc({"collaboratives", "list", "--region", "South East"});
  ASSERT_EQ(by_words.exit_code, 0) << by_words.err;
  EXPECT_NE(by_words.out.find("South East"), std::string::npos) << by_words.out;
  EXPECT_NE(by_words.out.find("collaboratives/wessex"), std::string::npos) << by_words.out;
  // Columns line up: every row has its second column at the same offset.
  EXPECT_EQ(rows[0].find("TITLE"), rows[1].find("Safety huddles"));

  // Without a complete measurement plan it cannot become active, unless an admin says why.
  ProcessResult refused = Psc({"initiatives", "update", "huddles", "--status", "active"});
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("MEASUREMENT_PLAN_INCOMPLETE"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("no outcome measure"), std::string::npos) << refused.err;

  // Update sends only the flags given; the rest is untouched.
  ProcessResult updated =
      Psc({"initiatives", "update", "huddles", "--status", "active", "--override-reason",
           "Pilot agreed by the board", "--etag", initiative.etag(), "--output", "json"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  v1::Initiative after;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(updated.out, &after).ok());
  EXPECT_EQ(after.status(), v1::ACTIVE);
  EXPECT_EQ(after.title(), "Safety huddles");
  EXPECT_EQ(after.topics_size(), 2);

  ProcessResult got = Psc({"initiatives", "get", "initiatives/huddles"});
  ASSERT_EQ(got.exit_code, 0);
  EXPECT_NE(got.out.find("status"), std::string::npos);
  EXPECT_NE(got.out.find("Active"), std::string::npos);

  ProcessResult deleted = Psc({"initiatives", "delete", "huddles"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(Psc({"initiatives", "get", "huddles"}).exit_code, 3);
}

TEST_F(CliTest, CreateAndUpdateFromJsonFiles) {
  LoadDemoData();
  std::string file = WriteFile("expert.json", R"json({
    "displayName": "Rowan Example (demo data)",
    "homeCollaborative": "collaboratives/wessex",
    "skills": [{"skill": "HUMAN_FACTORS", "level": "EXPERT"}],
    "regions": ["SOUTH_EAST"], "shareable": true, "daysPerMonthOffered": 2})json");
  ProcessResult created =
      Psc({"experts", "create", "-f", file, "--id", "rowan", "--output", "json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  // -f on update sends only the fields the file has.
  std::string patch = WriteFile("patch.json", R"json({"daysPerMonthOffered": 4})json");
  ProcessResult updated = Psc({"experts", "update", "rowan", "-f", patch, "--output", "json"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  v1::Expert expert;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(updated.out, &expert).ok());
  EXPECT_EQ(expert.days_per_month_offered(), 4);
  EXPECT_EQ(expert.display_name(), "Rowan Example (demo data)");
  // Flags override the file's values.
  std::string from_stdin =
      R"json({"displayName": "From stdin", "homeCollaborative": "collaboratives/oxford",
    "skills": [{"skill": "DATA_ANALYSIS", "level": "PRACTITIONER"}]})json";
  ProcessResult piped =
      Psc({"experts", "create", "-f", "-", "--home", "kss", "--output", "json"}, from_stdin);
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_NE(piped.out.find("collaboratives/kss"), std::string::npos);
}

TEST_F(CliTest, EveryKindListsAsJsonLines) {
  LoadDemoData();
  struct Want {
    const char* command;
    size_t count;
  };
  for (Want want : {Want{"collaboratives", 15}, Want{"caseStudies", 6}, Want{"case-studies", 6},
                    Want{"initiatives", 30}, Want{"experts", 40}, Want{"resources", 8}}) {
    ProcessResult r = Psc({want.command, "list", "--all", "--output", "json", "--page-size", "7"});
    ASSERT_EQ(r.exit_code, 0) << want.command << r.err;
    std::vector<std::string> lines = Lines(r.out);
    EXPECT_EQ(lines.size(), want.count) << want.command;
    for (const std::string& line : lines) {
      google::protobuf::Struct parsed;
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &parsed).ok()) << line;
      EXPECT_TRUE(parsed.fields().contains("name"));
    }
  }
  // Without --all, one page and a hint on stderr.
  ProcessResult page = Psc({"experts", "list", "--page-size", "5"});
  EXPECT_EQ(Lines(page.out).size(), 6u);  // header + 5
  EXPECT_NE(page.err.find("--page-token"), std::string::npos);
  // Filters from flags.
  ProcessResult hf = Psc({"experts", "list", "--skill", "human-factors", "--shareable", "true",
                          "--output", "json", "--all"});
  ASSERT_EQ(hf.exit_code, 0) << hf.err;
  EXPECT_GE(Lines(hf.out).size(), 8u);
  for (const std::string& line : Lines(hf.out)) {
    EXPECT_NE(line.find("HUMAN_FACTORS"), std::string::npos);
  }
}

TEST_F(CliTest, ExitCodesTellFailuresApart) {
  LoadDemoData();
  ProcessResult usage = Psc({"initiatives", "list", "--no-such-flag"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_EQ(Psc({"initiatives"}).exit_code, 2);
  ProcessResult bad_value = Psc({"initiatives", "create", "--workstream", "bogus"});
  EXPECT_EQ(bad_value.exit_code, 2);
  EXPECT_NE(bad_value.err.find("--workstream"), std::string::npos);

  ProcessResult missing = Psc({"experts", "get", "nobody"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("NOT_FOUND"), std::string::npos);
  EXPECT_NE(missing.err.find("[RESOURCE_NOT_FOUND]"), std::string::npos);

  ProcessResult invalid =
      Psc({"initiatives", "create", "--title", "", "--lead", "wessex", "--workstream", "LOCAL"});
  EXPECT_EQ(invalid.exit_code, 4);
  EXPECT_NE(invalid.err.find("initiative.title: is required"), std::string::npos);
  EXPECT_NE(invalid.err.find("initiative.local_priority: is required"), std::string::npos);

  EXPECT_EQ(
      Psc({"initiatives", "update", "falls-wessex", "--status", "paused", "--etag", "1"}).exit_code,
      4);
  EXPECT_EQ(Psc({"collaboratives", "delete", "wessex"}).exit_code, 4);  // still referenced

  ProcessResult help = Psc({"initiatives", "create", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--workstream"), std::string::npos);
  ProcessResult top = Psc({"--help"});
  EXPECT_NE(top.out.find("Exit codes"), std::string::npos);

  std::string target = pscd_->target();
  StopServer();
  ProcessResult down =
      RunProcess({PSC_CLI_PATH, "--deadline", "2", "experts", "list"}, CliEnv(target, "admin"));
  EXPECT_EQ(down.exit_code, 5) << down.err;
}

TEST_F(CliTest, ImportIsIdempotent) {
  ProcessResult first = Psc({"import", PSC_DEMO_DATA});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("114 created"), std::string::npos) << first.err;
  uint64_t sequence = client_->ListCollaboratives({})->sequence();
  const size_t logged = SettledLog().size();
  ProcessResult second = Psc({"import", "--concurrency", "8", PSC_DEMO_DATA});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("nothing to change"), std::string::npos) << second.err;
  EXPECT_EQ(client_->ListCollaboratives({})->sequence(), sequence);
  // Imports create first (in batches), until a record turns out to exist: then they read
  // first, so that a re-import is refused at most the creates already in flight (8 lines), not
  // one per line (114). A batch's refusals are in its reply, not the server's log.
  const std::string log = SettledLog().substr(logged);
  size_t refused = 0;
  for (size_t at = log.find("ALREADY_EXISTS"); at != std::string::npos;
       at = log.find("ALREADY_EXISTS", at + 1)) {
    ++refused;
  }
  EXPECT_LE(refused, 8u) << log;
  // --concurrency takes 1 to 256: at the top, every line at once still changes nothing.
  ProcessResult widest = Psc({"import", "--concurrency", "256", PSC_DEMO_DATA});
  ASSERT_EQ(widest.exit_code, 0) << widest.err;
  EXPECT_NE(widest.err.find("nothing to change"), std::string::npos) << widest.err;
  EXPECT_EQ(client_->ListCollaboratives({})->sequence(), sequence);
  for (const char* out_of_range : {"0", "257"}) {
    ProcessResult refused_flag = Psc({"import", "--concurrency", out_of_range, PSC_DEMO_DATA});
    EXPECT_EQ(refused_flag.exit_code, 2) << out_of_range;
    EXPECT_NE(refused_flag.err.find("--concurrency"), std::string::npos) << refused_flag.err;
  }
}

// A record changed since the export is put back by a re-import: for an initiative, through the
// update that asks for no similar-initiative hint (psc import never shows one).
TEST_F(CliTest, ImportPutsBackAChangedInitiative) {
  ASSERT_EQ(Psc({"import", PSC_DEMO_DATA}).exit_code, 0);
  auto original = client_->GetInitiative("initiatives/safety-huddles-yh");
  ASSERT_TRUE(original.ok()) << original.status();
  v1::Initiative changed;
  changed.set_name(original->name());
  changed.set_summary("Changed since the export.");
  google::protobuf::FieldMask mask;
  mask.add_paths("summary");
  ASSERT_TRUE(client_->UpdateInitiative(changed, mask).ok());
  ProcessResult again = Psc({"import", PSC_DEMO_DATA});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("0 created, 1 updated, 113 unchanged, 0 rejected"), std::string::npos)
      << again.err;
  auto restored = client_->GetInitiative("initiatives/safety-huddles-yh");
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->summary(), original->summary());
  EXPECT_EQ(restored->title(), original->title());
}

// Only admins create in batches: anyone else's import goes a line a call, and gets as far.
TEST_F(CliTest, AnImportByALeadGoesALineACall) {
  AddCollaborative("wessex");
  std::string file = WriteFile(
      "experts.jsonl",
      R"json({"expert": {"name": "experts/one", "displayName": "One (demo data)", "homeCollaborative": "collaboratives/wessex", "skills": [{"skill": "HUMAN_FACTORS", "level": "EXPERT"}]}}
{"expert": {"name": "experts/two", "displayName": "Two (demo data)", "homeCollaborative": "collaboratives/wessex", "skills": [{"skill": "DATA_ANALYSIS", "level": "EXPERT"}]}}
)json");
  const size_t logged = SettledLog().size();
  ProcessResult r =
      RunProcess({PSC_CLI_PATH, "import", file}, CliEnv(pscd_->target(), "lead-wessex"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("2 created, 0 updated, 0 unchanged, 0 rejected"), std::string::npos)
      << r.err;
  EXPECT_EQ(client_->ListAllExperts()->size(), 2u);
  // It asked for a batch first and was refused.
  const std::string log = SettledLog().substr(logged);
  EXPECT_NE(log.find("call method=BatchCreateRecords code=PERMISSION_DENIED"), std::string::npos)
      << log;
}

TEST_F(CliTest, ImportReportsBadLinesByNumberAndLoadsTheRest) {
  AddCollaborative("wessex");
  std::string file = WriteFile(
      "mixed.jsonl",
      R"json({"expert": {"name": "experts/good", "displayName": "Good (demo data)", "homeCollaborative": "collaboratives/wessex", "skills": [{"skill": "HUMAN_FACTORS", "level": "EXPERT"}]}}
this is not json
{"expert": {"name": "experts/bad", "homeCollaborative": "collaboratives/wessex"}}
{"expert": {"name": "experts/orphan", "displayName": "Orphan", "homeCollaborative": "collaboratives/atlantis", "skills": [{"skill": "DATA_ANALYSIS", "level": "EXPERT"}]}}
{"expert": {"name": "experts/also-good", "displayName": "Also good (demo data)", "homeCollaborative": "collaboratives/wessex", "skills": [{"skill": "DATA_ANALYSIS", "level": "EXPERT"}]}}
{"expert": {"name": "experts/", "displayName": "No id", "homeCollaborative": "collaboratives/wessex", "skills": [{"skill": "DATA_ANALYSIS", "level": "EXPERT"}]}}
{"expert": {"name": "experts", "displayName": "No id either", "homeCollaborative": "collaboratives/wessex", "skills": [{"skill": "DATA_ANALYSIS", "level": "EXPERT"}]}}
)json");
  ProcessResult r = Psc({"import", file});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("mixed.jsonl:2: not a registry record"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mixed.jsonl:3: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("VALIDATION_FAILED"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mixed.jsonl:4: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("REFERENCE_NOT_FOUND"), std::string::npos) << r.err;
  // A name without an id is refused, not given a made-up one.
  EXPECT_NE(r.err.find("mixed.jsonl:6: name \"experts/\" is not a Expert name"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("mixed.jsonl:7: name \"experts\" is not a Expert name"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("2 created"), std::string::npos) << r.err;
  EXPECT_EQ(client_->ListAllExperts()->size(), 2u);

  // --strict stops at the first bad line: nothing after it is read.
  ASSERT_TRUE(client_->DeleteExpert("experts/good").ok());
  ASSERT_TRUE(client_->DeleteExpert("experts/also-good").ok());
  ProcessResult strict = Psc({"import", "--strict", file});
  EXPECT_EQ(strict.exit_code, 4);
  EXPECT_NE(strict.err.find("mixed.jsonl:2:"), std::string::npos);
  EXPECT_EQ(strict.err.find("mixed.jsonl:3:"), std::string::npos);
  EXPECT_TRUE(client_->ListAllExperts()->empty());

  EXPECT_EQ(Psc({"import", data_dir_.Sub("missing.jsonl")}).exit_code, 2);
}

// docs/architecture.md, "Adding a kind": a kind in the server's table that the CLI does not
// know (its entry in tools/cli/cli_kind.cc forgotten) fails here, by name.
TEST_F(CliTest, EveryKindOfTheTableHasItsCommands) {
  for (const registry::RecordKind* kind : registry::AllKinds()) {
    const std::string collection(kind->collection());
    ProcessResult help = Psc({collection, "--help"});
    EXPECT_EQ(help.exit_code, 0) << collection << " has no psc commands: " << help.err;
    ProcessResult list = Psc({collection, "list"});
    EXPECT_EQ(list.exit_code, 0) << collection << ": " << list.err;
  }
}

// Export, import into an empty server, export again: identical apart from server-owned fields.
TEST_F(CliTest, ExportImportRoundTrip) {
  LoadDemoData();
  ProcessResult first = Psc({"export"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::string file = WriteFile("export.jsonl", first.out);

  TempDir other_dir;
  auto other = PscdProcess::Start({.data_dir = other_dir.Sub("data")});
  ASSERT_TRUE(other.ok());
  std::vector<std::string> env = CliEnv((*other)->target(), "admin");
  ASSERT_EQ(RunProcess({PSC_CLI_PATH, "import", file}, env).exit_code, 0);
  ProcessResult second = RunProcess({PSC_CLI_PATH, "export"}, env);
  ASSERT_EQ(second.exit_code, 0);

  std::vector<std::string> a = NormalizedExport(first.out), b = NormalizedExport(second.out);
  EXPECT_EQ(a.size(), 114u);  // 99 records and 15 measure series
  EXPECT_EQ(a, b);

  ProcessResult one_kind = Psc({"export", "--kind", "caseStudies"});
  EXPECT_EQ(Lines(one_kind.out).size(), 6u);
  EXPECT_EQ(Psc({"export", "--kind", "widgets"}).exit_code, 4);
}

// Lines go 16 at a time, and a line whose references are not there yet comes round again: the
// export reversed (every referenced record after the lines that need it, initiatives adopting
// each other, series before their initiatives) still imports whole.
TEST_F(CliTest, ImportOfAReversedExportCreatesEverything) {
  LoadDemoData();
  ProcessResult first = Psc({"export"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::vector<std::string> lines = Lines(first.out);
  std::reverse(lines.begin(), lines.end());
  std::string file = WriteFile("reversed.jsonl", absl::StrJoin(lines, "\n") + "\n");

  TempDir other_dir;
  auto other = PscdProcess::Start({.data_dir = other_dir.Sub("data")});
  ASSERT_TRUE(other.ok());
  std::vector<std::string> env = CliEnv((*other)->target(), "admin");
  ProcessResult imported = RunProcess({PSC_CLI_PATH, "import", file}, env);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.err.find("114 created, 0 updated, 0 unchanged, 0 rejected"), std::string::npos)
      << imported.err;
  ProcessResult second = RunProcess({PSC_CLI_PATH, "export"}, env);
  EXPECT_EQ(NormalizedExport(first.out), NormalizedExport(second.out));
}

TEST_F(CliTest, ConnectionSettingsComeFromTheConfigFile) {
  AddCollaborative("wessex");
  const std::string certs = TestCertsDir();
  std::filesystem::create_directories(data_dir_.Sub("home/.config/psc"));
  std::ofstream(data_dir_.Sub("home/.config/psc/config"))
      << "target = \"" << pscd_->target() << "\"\nca = \"" << certs << "/ca.crt\"\ncert = \""
      << certs << "/reader.crt\"\nkey = \"" << certs << "/reader.key\"\n";
  ProcessResult r = RunProcess({PSC_CLI_PATH, "collaboratives", "list", "--output", "json"},
                               {"HOME=" + data_dir_.Sub("home")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("collaboratives/wessex"), std::string::npos);
  EXPECT_EQ(r.out.find("patientSafetyLead"), std::string::npos);  // the config's reader identity
  // Environment variables win over the config file.
  ProcessResult env =
      RunProcess({PSC_CLI_PATH, "collaboratives", "list", "--output", "json"},
                 {"HOME=" + data_dir_.Sub("home"), "PSC_CERT=" + certs + "/admin.crt",
                  "PSC_KEY=" + certs + "/admin.key"});
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_NE(env.out.find("patientSafetyLead"), std::string::npos);
  ProcessResult help = Psc({"experts", "--help"});
  EXPECT_NE(help.out.find("Examples:"), std::string::npos);
}

TEST_F(CliTest, ChangesListPrintsTheFeed) {
  LoadDemoData();
  ProcessResult all = Psc({"changes", "list", "--after", "0", "--all", "--output", "json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(Lines(all.out).size(), 114u);
  ProcessResult cases = Psc({"changes", "list", "--kind", "caseStudies", "--all"});
  EXPECT_EQ(Lines(cases.out).size(), 6u);
  EXPECT_NE(cases.out.find("CREATED  caseStudies/"), std::string::npos);
  ProcessResult page = Psc({"changes", "list", "--page-size", "10"});
  EXPECT_EQ(Lines(page.out).size(), 10u);
  EXPECT_NE(page.err.find("more changes: --after 10"), std::string::npos) << page.err;
  EXPECT_EQ(Psc({"changes", "list", "--after", "5000"}).exit_code, 4);  // CURSOR_AHEAD
}

}  // namespace
}  // namespace psc::testing
