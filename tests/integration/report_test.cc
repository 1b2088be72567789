// The network report against counts computed independently from List calls over the demo data
// (plus one approved join and one completed cross-PSC sharing request), and the workflow CLI.

#include <signal.h>

#include <set>

#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "tests/integration/cli_fixture.h"

namespace psc::testing {
namespace {

class ReportTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    LoadDemoData();
  }

  // Runs psc as admin and returns its stdout, failing the test on a non-zero exit.
  std::string Ok(std::vector<std::string> args) {
    ProcessResult r = Psc(std::move(args));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // The "name" field of the JSON document psc printed.
  static std::string NameIn(const std::string& json) {
    const size_t at = json.find("\"name\":\"") + 8;
    return json.substr(at, json.find('"', at) - at);
  }

  // One approved join (Wessex into a Yorkshire initiative) and one completed request for
  // 2 days x 2 months of a West of England expert by Wessex, made through the CLI.
  void MakeWorkflowActivity() {
    std::string join = NameIn(Ok({"initiatives", "join", "safety-huddles-yh", "--as", "wessex",
                                  "--message", "We run huddles", "--output", "json"}));
    Ok({"requests", "approve", join});
    std::string ask = NameIn(
        Ok({"experts", "request", "noel-mockford", "--as", "wessex", "--initiative", "falls-wessex",
            "--days", "1", "--start", "2027-01", "--months", "2", "--output", "json"}));
    Ok({"experts", "accept", ask});
    Ok({"experts", "complete", ask, "--days-delivered", "2", "--feedback", "Great"});
  }
};

// The report is kept as running totals while pscd runs and counted afresh when it starts: after
// the workflow activity and a kill -9 (fsync on), the restarted pscd reports the same figures at
// the same sequence, nationally and for a collaborative.
TEST_F(ReportTest, TheFiguresAfterACrashEqualThoseBeforeIt) {
  StopServer();
  StartServer(/*fsync=*/true);
  MakeWorkflowActivity();
  auto before = client_->GetNetworkReport();
  auto wessex_before = client_->GetNetworkReport("collaboratives/wessex");
  ASSERT_TRUE(before.ok() && wessex_before.ok()) << before.status();
  EXPECT_GT(before->figures().expert_days_delivered_given(), 0);
  pscd_->Stop(SIGKILL);
  StartServer(/*fsync=*/true);
  auto after = client_->GetNetworkReport();
  auto wessex_after = client_->GetNetworkReport("collaboratives/wessex");
  ASSERT_TRUE(after.ok() && wessex_after.ok()) << after.status();
  EXPECT_EQ(after->sequence(), before->sequence());
  EXPECT_EQ(after->DebugString(), before->DebugString());
  EXPECT_EQ(wessex_after->DebugString(), wessex_before->DebugString());
}

TEST_F(ReportTest, FiguresEqualCountsFromList) {
  MakeWorkflowActivity();
  auto report = client_->GetNetworkReport();
  ASSERT_TRUE(report.ok()) << report.status();
  auto initiatives = client_->ListAllInitiatives();
  auto case_studies = client_->ListAllCaseStudies("publication_state = PUBLISHED");
  auto collaboratives = client_->ListAllCollaboratives();
  ASSERT_TRUE(initiatives.ok() && case_studies.ok() && collaboratives.ok());

  const v1::ReportFigures& f = report->figures();
  EXPECT_EQ(f.scope(), "national");
  EXPECT_EQ(f.initiatives(), static_cast<int64_t>(initiatives->size()));
  // Each count from its own filtered List.
  int64_t local = client_->ListAllInitiatives("workstream = LOCAL")->size();
  EXPECT_EQ(f.local_initiatives(), local);
  EXPECT_EQ(f.national_workstream_initiatives(), f.initiatives() - local);
  for (const v1::Count& c : f.by_workstream()) {
    EXPECT_EQ(c.count(),
              static_cast<int64_t>(client_->ListAllInitiatives("workstream = " + c.key())->size()))
        << c.key();
  }
  for (const v1::Count& c : f.by_status()) {
    EXPECT_EQ(c.count(),
              static_cast<int64_t>(client_->ListAllInitiatives("status = " + c.key())->size()))
        << c.key();
  }
  EXPECT_EQ(f.complete_measurement_plans(),
            static_cast<int64_t>(
                client_->ListAllInitiatives("measurement_plan_status = COMPLETE")->size()));
  int64_t multi = 0, adopted = 0;
  std::map<std::string, std::string> lead_of;
  for (const auto& i : *initiatives) lead_of[i.name()] = i.lead_collaborative();
  for (const auto& i : *initiatives) {
    multi += i.participant_collaboratives_size() > 0;
    adopted += !i.adopted_from().empty() && lead_of[i.adopted_from()] != i.lead_collaborative();
  }
  EXPECT_EQ(f.multi_psc_initiatives(), multi);
  EXPECT_DOUBLE_EQ(f.multi_psc_share(), static_cast<double>(multi) / initiatives->size());
  EXPECT_EQ(f.adopted_from_another_psc(), adopted);
  EXPECT_GT(adopted, 0);
  EXPECT_EQ(f.case_studies_published(), static_cast<int64_t>(case_studies->size()));
  EXPECT_EQ(f.join_requests_made(), 1);
  EXPECT_EQ(f.join_requests_approved(), 1);
  EXPECT_EQ(f.expert_days_given(), 2);
  EXPECT_EQ(f.expert_days_received(), 2);
  EXPECT_EQ(f.expert_days_delivered_given(), 2);

  // A row per collaborative; Wessex's own figures from a List filtered by it.
  ASSERT_EQ(report->by_collaborative_size(), static_cast<int>(collaboratives->size()));
  auto wessex = client_->GetNetworkReport("collaboratives/wessex");
  ASSERT_TRUE(wessex.ok()) << wessex.status();
  EXPECT_EQ(wessex->figures().initiatives(),
            static_cast<int64_t>(
                client_->ListAllInitiatives("collaborative = \"collaboratives/wessex\"")->size()));
  EXPECT_EQ(wessex->figures().join_requests_made(), 1);
  EXPECT_EQ(wessex->figures().expert_days_received(), 2);
  EXPECT_EQ(wessex->figures().expert_days_given(), 0);
  auto west = client_->GetNetworkReport("collaboratives/west-of-england");
  ASSERT_TRUE(west.ok());
  EXPECT_EQ(west->figures().expert_days_given(), 2);
  EXPECT_EQ(wessex->by_collaborative_size(), 0);

  EXPECT_EQ(client_->GetNetworkReport("collaboratives/nope").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ClientAs("atlas")->GetNetworkReport().status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(ClientAs("reader")->GetNetworkReport().ok());
}

TEST_F(ReportTest, CliPrintsTableCsvAndJson) {
  MakeWorkflowActivity();
  std::string table = Ok({"report"});
  EXPECT_NE(table.find("Report: national"), std::string::npos) << table;
  EXPECT_NE(table.find("join requests          1 made, 1 approved"), std::string::npos) << table;
  EXPECT_NE(table.find("collaboratives/wessex "), std::string::npos) << table;

  std::vector<std::string> lines =
      absl::StrSplit(Ok({"report", "--output", "csv"}), "\r\n", absl::SkipEmpty());
  auto collaboratives = client_->ListAllCollaboratives();
  ASSERT_EQ(lines.size(), collaboratives->size() + 2);  // header, national, one per PSC
  EXPECT_TRUE(lines[0].starts_with("SCOPE,INITIATIVES,NATIONAL,LOCAL,MULTI-PSC SHARE"));
  auto report = client_->GetNetworkReport();
  EXPECT_TRUE(lines[1].starts_with(absl::StrCat("national,", report->figures().initiatives(), ",",
                                                report->figures().national_workstream_initiatives(),
                                                ",", report->figures().local_initiatives(), ",")))
      << lines[1];

  std::string json = Ok({"report", "--collaborative", "wessex", "--output", "json"});
  v1::NetworkReport parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  EXPECT_EQ(parsed.figures().scope(), "collaboratives/wessex");
  EXPECT_EQ(Psc({"report", "--collaborative", "nope"}).exit_code, 3);
}

TEST_F(ReportTest, WorkflowCommandsReportRefusalsClearly) {
  std::string join = NameIn(
      Ok({"initiatives", "join", "safety-huddles-yh", "--as", "wessex", "--output", "json"}));
  ProcessResult twice = Psc({"initiatives", "join", "safety-huddles-yh", "--as", "wessex"});
  EXPECT_EQ(twice.exit_code, 4);
  EXPECT_NE(twice.err.find("REQUEST_PENDING"), std::string::npos) << twice.err;
  std::string incoming = Ok({"requests", "list", "collaboratives/yorkshire-humber", "--incoming"});
  EXPECT_NE(incoming.find(join), std::string::npos) << incoming;  // the name is never cut
  ProcessResult no_reason = Psc({"requests", "decline", join});
  EXPECT_EQ(no_reason.exit_code, 2) << no_reason.err;  // --reason is required
  Ok({"requests", "decline", join, "--reason", "Full for this phase"});
  ProcessResult not_lead = PscAs("lead-oxford", {"requests", "withdraw", join});
  EXPECT_EQ(not_lead.exit_code, 1);  // PERMISSION_DENIED
  EXPECT_NE(not_lead.err.find("NOT_OWNER"), std::string::npos) << not_lead.err;

  ProcessResult overbook =
      Psc({"experts", "request", "noel-mockford", "--as", "wessex", "--initiative", "falls-wessex",
           "--days", "9", "--start", "2027-01", "--output", "json"});
  ASSERT_EQ(overbook.exit_code, 0) << overbook.err;
  ProcessResult refused = Psc({"experts", "accept", NameIn(overbook.out)});
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("OVERBOOKED"), std::string::npos) << refused.err;
  EXPECT_EQ(Psc({"experts", "request", "noel-mockford", "--initiative", "falls-wessex", "--days",
                 "1", "--start", "January"})
                .exit_code,
            2);

  ProcessResult stop = Psc({"initiatives", "review", "safety-huddles-yh", "--outcome", "stop"});
  EXPECT_EQ(stop.exit_code, 4);  // a stop needs a rationale
  EXPECT_NE(stop.err.find("rationale"), std::string::npos) << stop.err;
  std::string stopped = Ok({"initiatives", "review", "safety-huddles-yh", "--outcome", "stop",
                            "--rationale", "Merged into the national programme"});
  EXPECT_NE(stopped.find("Stopped"), std::string::npos) << stopped;
}

}  // namespace
}  // namespace psc::testing
