// The spread report on the demo data (tools/demo/make-measures), against the list worked out
// by hand from how each demo series was made: the Wessex NEWS2 shift at 3 of its 4 sites and
// the Yorkshire and Humber harm-free-care trend at 2 of 3 are the only outcome measures
// improving at two or more sites; the astronomical point, the deterioration and the
// common-cause series are not candidates.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "tests/integration/cli_fixture.h"

namespace psc::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

v1::GetSpreadReportRequest AsOf(int year, int month, int day, int stale_months = 0) {
  v1::GetSpreadReportRequest r;
  r.mutable_as_of()->set_year(year);
  r.mutable_as_of()->set_month(month);
  r.mutable_as_of()->set_day(day);
  r.set_stale_months(stale_months);
  return r;
}

class SpreadReportTest : public CliTest {};

TEST_F(SpreadReportTest, DemoDataGivesTheHandComputedCandidates) {
  LoadDemoData();
  auto report = ClientAs("reader")->GetSpreadReport(AsOf(2025, 1, 15));
  ASSERT_TRUE(report.ok()) << report.status();

  std::vector<std::string> candidates;
  for (const v1::SpreadCandidate& c : report->candidates()) candidates.push_back(c.initiative());
  EXPECT_THAT(candidates,
              ElementsAre("initiatives/news2-community-wessex", "initiatives/safety-huddles-yh"));
  ASSERT_EQ(report->candidates_size(), 2);
  const v1::SpreadCandidate& news2 = report->candidates(0);
  EXPECT_EQ(news2.rank(), 1);
  EXPECT_EQ(news2.measure(), "cardiac-arrests");
  EXPECT_EQ(news2.workstream(), v1::DETERIORATING_PATIENT);
  EXPECT_EQ(news2.sites_improving(), 3);
  EXPECT_EQ(news2.sites_reporting(), 4);
  std::vector<std::string> improving;
  for (const v1::SiteEvidence& s : news2.sites()) {
    if (s.improving()) improving.push_back(s.site());
  }
  EXPECT_THAT(improving, ElementsAre("rhm", "rhu", "rn5"));
  EXPECT_EQ(news2.sites(3).site(), "r1f");  // common cause, listed last
  // From about 6 to about 4 arrests per 1000 admissions, against baseline limits about 0.9
  // from the mean: a shift of about twice the distance to the limit, held since mid-2023.
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(news2.sites(k).baseline_mean(), 6.0, 0.1);
    EXPECT_NEAR(news2.sites(k).recent_mean(), 4.0, 0.25);
    EXPECT_GT(news2.sites(k).shift(), 1.5);
    EXPECT_GE(news2.sites(k).points_held(), 18);
  }
  const v1::SpreadCandidate& huddles = report->candidates(1);
  EXPECT_EQ(huddles.measure(), "harm-free-care");
  EXPECT_EQ(huddles.sites_improving(), 2);
  // The rise, from its first rising point: a trend labels its points by its direction, even
  // those still below the mean (NHSRplotthedots' precedence), so York's 11-month rise counts
  // from February 2024 and Calderdale's 9-month one from April.
  EXPECT_EQ(huddles.median_points_held(), 9);
  EXPECT_EQ(huddles.sites(0).since().year(), 2024);
  EXPECT_EQ(huddles.sites(0).since().month(), 2);
  EXPECT_EQ(huddles.sites(0).points_held(), 11);

  std::vector<std::string> stale;
  for (const auto& w : report->without_recent_data()) stale.push_back(w.initiative());
  EXPECT_THAT(stale,
              ElementsAre("initiatives/culture-survey-kss", "initiatives/ed-checklist-south-west",
                          "initiatives/precept-gm", "initiatives/precept-woe",
                          "initiatives/safety-huddles-nwc", "initiatives/smoking-pregnancy-nenc"));
  EXPECT_EQ(report->without_recent_data(0).latest_period().month(), 6);
  EXPECT_FALSE(report->without_recent_data(1).has_latest_period());

  ASSERT_EQ(report->coverage_size(), 5);
  const v1::DataCoverage& national = report->coverage(0);
  EXPECT_EQ(national.scope(), "national");
  EXPECT_EQ(national.active_initiatives(), 21);
  EXPECT_EQ(national.active_with_data(), 6);
  EXPECT_EQ(national.spread_candidates(), 2);
  EXPECT_EQ(report->coverage(1).scope(), "SAFETY_CULTURE");
  EXPECT_EQ(report->coverage(1).active_with_data(), 3);
  EXPECT_EQ(report->coverage(1).spread_candidates(), 1);

  // Eighteen months later every series is stale; a longer window brings them back.
  auto later = client_->GetSpreadReport(AsOf(2026, 6, 1));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->without_recent_data_size(), 11);
  EXPECT_EQ(client_->GetSpreadReport(AsOf(2026, 6, 1, 36))->without_recent_data_size(), 5);

  EXPECT_EQ(ClientAs("atlas")->GetSpreadReport(AsOf(2025, 1, 15)).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(client_->GetSpreadReport(AsOf(2025, 2, 30)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->GetSpreadReport(AsOf(2025, 1, 15, 37)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Search's `improving` filter follows the data: the index re-reads an initiative when one of
// its series changes.
TEST_F(SpreadReportTest, SearchFindsInitiativesShowingImprovementAndFollowsTheData) {
  LoadDemoData();
  auto improving = [&](std::optional<bool> wanted) {
    v1::SearchRequest r;
    r.add_kinds("initiatives");
    if (wanted) r.set_improving(*wanted);
    r.set_min_sequence(client_->ListInitiatives({})->sequence());
    r.set_page_size(1000);
    auto found = client_->Search(r);
    EXPECT_TRUE(found.ok()) << found.status();
    std::vector<std::string> names;
    if (found.ok()) {
      for (const v1::SearchHit& h : found->hits()) names.push_back(h.name());
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  EXPECT_THAT(improving(true),
              ElementsAre("initiatives/news2-community-wessex", "initiatives/safety-huddles-yh"));
  EXPECT_EQ(improving(false).size() + 2, improving(std::nullopt).size());

  // Harm-free care falls back at both improving sites in January 2025: no longer improving.
  v1::BatchUpsertMeasurementsRequest batch;
  batch.set_parent("initiatives/safety-huddles-yh");
  for (const char* site : {"rcb", "rwy"}) {
    v1::Measurement* m = batch.add_measurements();
    m->set_measure("harm-free-care");
    m->set_site(site);
    m->mutable_point()->mutable_period()->set_year(2025);
    m->mutable_point()->mutable_period()->set_month(1);
    m->mutable_point()->mutable_period()->set_day(1);
    m->mutable_point()->set_numerator(460);  // 92%, the old level
    m->mutable_point()->set_denominator(500);
  }
  ASSERT_TRUE(client_->BatchUpsertMeasurements(batch).ok());
  EXPECT_THAT(improving(true), ElementsAre("initiatives/news2-community-wessex"));
}

TEST_F(SpreadReportTest, TheCliPrintsTheEvidence) {
  LoadDemoData();
  ProcessResult r = Psc({"report", "spread", "--as-of", "2025-01-15"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(" 1. initiatives/news2-community-wessex"));
  EXPECT_THAT(r.out, HasSubstr("3 of 4 sites improving"));
  EXPECT_THAT(r.out, HasSubstr("rn5 Hampshire Hospitals: 6.02 -> 3.98"));
  EXPECT_THAT(r.out, HasSubstr(" 2. initiatives/safety-huddles-yh"));
  EXPECT_THAT(r.out, HasSubstr("  Deteriorating patient: 1. initiatives/news2-community-wessex\n"));
  EXPECT_THAT(r.out, HasSubstr("initiatives/culture-survey-kss"));
  EXPECT_THAT(r.out, HasSubstr("latest 2024-06-01"));
  ProcessResult csv = Psc({"report", "spread", "--as-of", "2025-01-15", "--output", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(csv.out, HasSubstr("1,initiatives/news2-community-wessex,DETERIORATING_PATIENT,"
                                 "cardiac-arrests,3,rhm,true,"));
  EXPECT_EQ(Psc({"report", "spread", "--as-of", "January"}).exit_code, 2);
  ProcessResult found = Psc({"search", "--kind", "initiatives", "--improving", "true"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_THAT(found.out, HasSubstr("initiatives/news2-community-wessex"));
  EXPECT_THAT(found.out, Not(HasSubstr("initiatives/sepsis-dashboard-nwc")));
  // The demo's shift example, as the README tour shows it.
  ProcessResult chart =
      Psc({"measures", "chart", "news2-community-wessex", "cardiac-arrests", "--site", "rn5"});
  ASSERT_EQ(chart.exit_code, 0) << chart.err;
  EXPECT_THAT(chart.out, HasSubstr("segment 2 from 2023-07-01: 18 points"));
  EXPECT_THAT(chart.out, HasSubstr("\"NEWS2 escalation pathway live\""));
}

}  // namespace
}  // namespace psc::testing
