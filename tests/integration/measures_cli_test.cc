// psc measures import, list and chart through the real CLI and pscd: CSV in (line-numbered
// rejects, nothing sent on a bad file, server refusals mapped back to lines), CSV out (the
// same columns, so list | import round-trips), and the text and CSV charts.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "tests/integration/cli_fixture.h"

namespace psc::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class MeasuresCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    AddCollaborative("wessex");
    v1::Initiative i = MakeInitiative("collaboratives/wessex");
    i.mutable_measures(0)->set_id("falls");
    i.mutable_measures(0)->set_name("Inpatient falls");
    i.mutable_measures(0)->set_improvement_direction(v1::LOWER_IS_BETTER);
    i.mutable_measures(0)->set_target_value(4);
    i.mutable_measures(1)->set_id("screening");
    i.mutable_measures(1)->set_rate_multiplier(100);
    ASSERT_TRUE(client_->CreateInitiative(i, {.id = "huddles"}).ok());
  }

  // 12 months near 10 falls, then 12 near 5 after the huddles start (marked as a rebase).
  static std::string ShiftCsv() {
    std::string csv = "period,site,measure,value,numerator,denominator,annotation,rebase\n";
    const int values[] = {10, 12, 9, 11, 10, 13, 9, 10, 11, 12, 8, 10,
                          5,  6,  4, 5,  7,  5,  4, 6,  5,  5,  6, 4};
    // Newest first: the file need not be in order.
    for (int i = 23; i >= 0; --i) {
      absl::StrAppend(&csv, absl::StrFormat("%04d-%02d", 2022 + i / 12, 1 + i % 12), ",ref,falls,",
                      values[i], i == 12 ? ",,,\"huddles start, all wards\",true\n" : ",,,,\n");
    }
    return csv;
  }
};

TEST_F(MeasuresCliTest, ImportListAndChartRoundTrip) {
  const std::string file = WriteFile("falls.csv", ShiftCsv() +
                                                      "# a rate, as numerator and denominator\n"
                                                      "2022-01,ref,screening,,31,40,,\n");
  ProcessResult imported = Psc({"measures", "import", "huddles", file});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.err, HasSubstr("25 added, 0 replaced, 0 unchanged"));

  ProcessResult again = Psc({"measures", "import", "huddles", file});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("0 added, 0 replaced, 25 unchanged"));

  ProcessResult csv = Psc({"measures", "list", "huddles", "--output", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::vector<std::string> lines = absl::StrSplit(csv.out, "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 26u);
  EXPECT_EQ(lines[0],
            "measure,site,period,value,numerator,denominator,annotation,site_name,rebase");
  EXPECT_EQ(lines[1], "falls,ref,2022-01-01,10,,,,,");
  EXPECT_EQ(lines[13], "falls,ref,2023-01-01,5,,,\"huddles start, all wards\",,true");
  EXPECT_EQ(lines[25], "screening,ref,2022-01-01,,31,40,,,");
  // The list's CSV imports as it is: nothing changes.
  ProcessResult round = Psc({"measures", "import", "huddles", WriteFile("out.csv", csv.out)});
  ASSERT_EQ(round.exit_code, 0) << round.err;
  EXPECT_THAT(round.err, HasSubstr("0 added, 0 replaced, 25 unchanged"));

  ProcessResult table = Psc({"measures", "list", "huddles", "--measure", "screening"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("77.5"));  // 31 / 40 x 100

  // The text chart, with the stored rebase ignored: the shift shows as improvement.
  ProcessResult shift =
      Psc({"measures", "chart", "huddles", "falls", "--site", "ref", "--ignore-stored-rebases"});
  ASSERT_EQ(shift.exit_code, 0) << shift.err;
  EXPECT_THAT(shift.out, HasSubstr("Inpatient falls (falls) of initiatives/huddles"));
  EXPECT_THAT(shift.out, HasSubstr("lower is better, target 4"));
  EXPECT_THAT(shift.out, HasSubstr("variation  special cause improvement (low)"));
  EXPECT_THAT(shift.out, HasSubstr("segment 1 from 2022-01-01: 24 points, mean 7.792"));
  EXPECT_THAT(shift.out, HasSubstr("improvement: shift"));
  EXPECT_THAT(shift.out, HasSubstr("\"huddles start, all wards\""));
  // With it: two segments, the second's limits straddle the target.
  ProcessResult rebased = Psc({"measures", "chart", "huddles", "falls", "--site", "ref"});
  ASSERT_EQ(rebased.exit_code, 0) << rebased.err;
  EXPECT_THAT(rebased.out, HasSubstr("segment 2 from 2023-01-01: 12 points, mean 5.167"));
  EXPECT_THAT(rebased.out, HasSubstr("12 points, mean 5.167, limits"));
  EXPECT_THAT(rebased.out, HasSubstr("fewer than 13 points: trial limits"));
  ProcessResult twelve =
      Psc({"measures", "chart", "huddles", "falls", "--site", "ref", "--min-points", "12"});
  ASSERT_EQ(twelve.exit_code, 0) << twelve.err;
  EXPECT_THAT(twelve.out, Not(HasSubstr("trial limits")));
  EXPECT_THAT(rebased.out, HasSubstr("assurance  hit and miss"));
  EXPECT_THAT(rebased.out, Not(HasSubstr("improvement: shift")));

  ProcessResult chart_csv =
      Psc({"measures", "chart", "huddles", "falls", "--site", "ref", "--output", "csv"});
  ASSERT_EQ(chart_csv.exit_code, 0) << chart_csv.err;
  std::vector<std::string> rows = absl::StrSplit(chart_csv.out, "\r\n", absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 25u);
  EXPECT_EQ(rows[0],
            "period,value,segment,mean,lower_process_limit,upper_process_limit,moving_range,type,"
            "rules,sites_reporting,annotation");
  EXPECT_THAT(rows[13], ::testing::StartsWith("2023-01-01,5,2,5.1666"));
}

TEST_F(MeasuresCliTest, BadLinesAreReportedByNumberAndNothingIsSent) {
  const std::string file = WriteFile("bad.csv",
                                     "measure,site,period,value\n"
                                     "falls,ref,2024-01,3\n"
                                     "falls,ref,2024-02,three\n"
                                     "falls,ref,January,3\n"
                                     "falls,ref,2024-01,4\n"
                                     "falls,ref\n");
  ProcessResult r = Psc({"measures", "import", "huddles", file});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr(file + ":3: value \"three\" is not a number"));
  EXPECT_THAT(r.err, HasSubstr(file + ":4: period \"January\" is not YYYY-MM or YYYY-MM-DD"));
  EXPECT_THAT(r.err,
              HasSubstr(file + ":5: falls at ref for 2024-01-01 is given already on line 2"));
  EXPECT_THAT(r.err, HasSubstr(file + ":6: "));
  EXPECT_THAT(r.err, HasSubstr("nothing was sent"));
  EXPECT_EQ(Psc({"measures", "list", "huddles", "--output", "csv"}).out,
            "measure,site,period,value,numerator,denominator,annotation,site_name,rebase\r\n");

  ProcessResult header = Psc({"measures", "import", "huddles",
                              WriteFile("header.csv", "measure,period,value\nfalls,2024-01,3\n")});
  EXPECT_EQ(header.exit_code, 2);
  EXPECT_THAT(header.err, HasSubstr("the header has no \"site\" column"));
  ProcessResult unknown_column = Psc(
      {"measures", "import", "huddles", WriteFile("extra.csv", "measure,site,period,colour\n")});
  EXPECT_EQ(unknown_column.exit_code, 2);
  EXPECT_THAT(unknown_column.err, HasSubstr("colour"));
}

TEST_F(MeasuresCliTest, SpreadsheetCsvQuotingLineEndsAndCommentsAreRead) {
  // As a spreadsheet saves it: CRLF, quoted cells with commas and doubled quotes, padding.
  const std::string file = WriteFile("excel.csv",
                                     "\"measure\", site ,period,value,annotation\r\n"
                                     "# comments and empty lines are skipped\r\n"
                                     "\r\n"
                                     "falls,ref,2024-01, 3 ,\"ward 7, \"\"A\"\" team\"\r\n"
                                     "falls,ref,2024-02,4,\"never closed\r\n"
                                     "falls,ref,2024-03,5\r\n"
                                     "falls,ref,2024-04,6,\"x\"y\r\n");
  ProcessResult r = Psc({"measures", "import", "huddles", file});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr(file + ":5: malformed quoting"));
  EXPECT_THAT(r.err, HasSubstr(file + ":6: 4 columns, but the header has 5"));
  EXPECT_THAT(r.err, HasSubstr(file + ":7: malformed quoting"));
  EXPECT_THAT(r.err, Not(HasSubstr(":4:")));

  ProcessResult ok = Psc({"measures", "import", "huddles",
                          WriteFile("good.csv",
                                    "\"measure\", site ,period,value,annotation\r\n"
                                    "falls,ref,2024-01, 3 ,\"ward 7, \"\"A\"\" team\"\r\n")});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  ProcessResult listed = Psc({"measures", "list", "huddles", "--output", "csv"});
  EXPECT_THAT(listed.out, HasSubstr("falls,ref,2024-01-01,3,,,\"ward 7, \"\"A\"\" team\",,"));

  ProcessResult twice = Psc({"measures", "import", "huddles",
                             WriteFile("twice.csv", "measure,site,period,value,value\n")});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_THAT(twice.err, HasSubstr("twice.csv:1: the header names \"value\" twice"));
  ProcessResult empty = Psc({"measures", "import", "huddles", WriteFile("empty.csv", "# none\n")});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_THAT(empty.err, HasSubstr("empty.csv: the file has no header row"));
}

TEST_F(MeasuresCliTest, ServerRefusalsPointAtTheirLines) {
  const std::string file = WriteFile("refused.csv",
                                     "measure,site,period,value,numerator,denominator\n"
                                     "falls,ref,2024-01,3,,\n"
                                     "pressure-ulcers,ref,2024-01,1,,\n");
  ProcessResult r = Psc({"measures", "import", "huddles", file});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_THAT(r.err, HasSubstr(file + ":3: measure: initiatives/huddles has no measure with id "
                                      "\"pressure-ulcers\""));
  EXPECT_EQ(Psc({"measures", "list", "huddles", "--output", "csv"}).out,
            "measure,site,period,value,numerator,denominator,annotation,site_name,rebase\r\n");
  // A point the server refuses for itself names its line too.
  ProcessResult zero = Psc({"measures", "import", "huddles",
                            WriteFile("zero.csv",
                                      "measure,site,period,numerator,denominator\n"
                                      "screening,ref,2024-01,4,0\n")});
  EXPECT_EQ(zero.exit_code, 4) << zero.err;
  EXPECT_THAT(zero.err, HasSubstr(":2: point.denominator: must be greater than 0"));

  ProcessResult reader = PscAs("reader", {"measures", "import", "huddles",
                                          WriteFile("ok.csv",
                                                    "measure,site,period,value\n"
                                                    "falls,ref,2024-01,3\n")});
  EXPECT_EQ(reader.exit_code, 1) << reader.err;
  EXPECT_THAT(reader.err, HasSubstr("ROLE_NOT_ALLOWED"));
  // A violation of the batch, not of one point, names no line.
  const std::string ok = WriteFile("ok2.csv", "measure,site,period,value\nfalls,ref,2024-01,3\n");
  ProcessResult outsider =
      Psc({"measures", "import", "huddles", ok, "--reporting-collaborative", "oxford"});
  EXPECT_EQ(outsider.exit_code, 4) << outsider.err;
  EXPECT_THAT(outsider.err, HasSubstr(ok + ": reporting_collaborative: collaboratives/oxford does "
                                           "not take part in initiatives/huddles"));
  ProcessResult no_measure = Psc({"measures", "chart", "huddles", "nope"});
  EXPECT_EQ(no_measure.exit_code, 3) << no_measure.err;
}

}  // namespace
}  // namespace psc::testing
