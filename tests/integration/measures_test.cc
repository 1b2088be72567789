// Measure data through the real pscd and client: BatchUpsertMeasurements (idempotent, atomic,
// in the change log, authorized by site and role, refusing bad points with violations and
// writing nothing) and ListMeasurements, at their bounds.

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/integration/measures_fixture.h"

namespace psc::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST_F(MeasuresTest, UpsertIsIdempotentPerMeasureSiteAndPeriod) {
  auto first = wessex_->BatchUpsertMeasurements(
      Batch({Value("falls", "ref", Month(2024, 1), 9), Value("falls", "ref", Month(2024, 2), 7),
             Value("falls", "rch", Month(2024, 1), 3)}));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->added(), 3);
  EXPECT_THAT(first->series(), ElementsAre("initiatives/huddles/series/falls--ref",
                                           "initiatives/huddles/series/falls--rch"));
  const uint64_t after_first = Sequence();

  // The same batch again: nothing changes, nothing is logged.
  auto again = wessex_->BatchUpsertMeasurements(
      Batch({Value("falls", "ref", Month(2024, 1), 9), Value("falls", "ref", Month(2024, 2), 7),
             Value("falls", "rch", Month(2024, 1), 3)}));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->added(), 0);
  EXPECT_EQ(again->unchanged(), 3);
  EXPECT_EQ(Sequence(), after_first);

  // A corrected value replaces the point for its period; a new period is added in order.
  v1::Measurement corrected = Value("falls", "ref", Month(2024, 2), 6);
  corrected.mutable_point()->set_annotation("recount after audit");
  corrected.set_site_name("Royal Cornwall Hospital");
  auto fix = wessex_->BatchUpsertMeasurements(
      Batch({Value("falls", "ref", Month(2023, 12), 11), corrected}));
  ASSERT_TRUE(fix.ok()) << fix.status();
  EXPECT_EQ(fix->added(), 1);
  EXPECT_EQ(fix->replaced(), 1);
  EXPECT_EQ(Sequence(), after_first + 1);  // one series changed: one change

  v1::ListMeasurementsResponse listed = ListAll("falls", "ref");
  ASSERT_EQ(listed.series_size(), 1);
  const v1::MeasureSeries& ref = listed.series(0);
  EXPECT_EQ(ref.measure(), "falls");
  EXPECT_EQ(ref.site(), "ref");
  EXPECT_EQ(ref.site_name(), "Royal Cornwall Hospital");
  EXPECT_EQ(ref.reporting_collaborative(), "collaboratives/wessex");
  ASSERT_EQ(ref.points_size(), 3);
  EXPECT_EQ(ref.points(0).period().year(), 2023);
  EXPECT_EQ(ref.points(0).chart_value(), 11);
  EXPECT_EQ(ref.points(2).chart_value(), 6);
  EXPECT_EQ(ref.points(2).annotation(), "recount after audit");

  // Every write is in the change log as a measure_series event.
  v1::ListChangesRequest changes;
  changes.set_after_sequence(after_first);
  changes.add_kinds("series");
  auto feed = client_->ListChanges(changes);
  ASSERT_TRUE(feed.ok()) << feed.status();
  ASSERT_EQ(feed->changes_size(), 1);
  EXPECT_EQ(feed->changes(0).resource_name(), "initiatives/huddles/series/falls--ref");
  EXPECT_EQ(feed->changes(0).measure_series().points_size(), 3);
}

TEST_F(MeasuresTest, RatesAreChartedAsNumeratorOverDenominatorTimesTheMultiplier) {
  ASSERT_TRUE(
      wessex_
          ->BatchUpsertMeasurements(Batch({Rate("screening", "ref", Month(2024, 1), 31, 40),
                                           Rate("screening", "rch", Month(2024, 1), 9, 10)}))
          .ok());
  v1::ListMeasurementsResponse listed = ListAll("screening", "ref");
  ASSERT_EQ(listed.series_size(), 1);
  EXPECT_DOUBLE_EQ(listed.series(0).points(0).chart_value(), 77.5);
  // Across sites, numerators and denominators are summed: 40 of 50 is 80%.
  v1::GetMeasureChartRequest r = ChartOf("screening");
  auto chart = client_->GetMeasureChart(r);
  ASSERT_TRUE(chart.ok()) << chart.status();
  ASSERT_EQ(chart->points_size(), 1);
  EXPECT_DOUBLE_EQ(chart->points(0).value(), 80);
  EXPECT_EQ(chart->points(0).sites_reporting(), 2);
  EXPECT_THAT(chart->sites(), UnorderedElementsAre("ref", "rch"));
}

TEST_F(MeasuresTest, BadPointsAreRefusedWithAViolationEachAndNothingIsWritten) {
  ASSERT_TRUE(
      wessex_->BatchUpsertMeasurements(Batch({Value("falls", "ref", Month(2024, 1), 9)})).ok());
  const uint64_t before = Sequence();
  v1::Measurement both = Value("falls", "ref", Month(2024, 3), 1);
  both.mutable_point()->set_numerator(1);
  both.mutable_point()->set_denominator(2);
  v1::Measurement neither = Value("falls", "aaa", Month(2024, 3), 1);
  neither.mutable_point()->clear_value();
  v1::Measurement no_period = Value("falls", "bbb", Month(2024, 3), 1);
  no_period.mutable_point()->clear_period();
  v1::Measurement bad_date = Value("falls", "ccc", Month(2024, 2), 1);
  bad_date.mutable_point()->mutable_period()->set_day(30);  // 30 February
  auto refused = wessex_->BatchUpsertMeasurements(Batch({
      Value("falls", "ok", Month(2024, 1), 2),              // 0: fine
      Rate("screening", "ref", Month(2024, 1), 3, 0),       // 1: zero denominator
      both,                                                 // 2
      neither,                                              // 3
      Value("falls", "ddd", Month(2024, 1), std::nan("")),  // 4: not a number
      Value("falls", "eee", Month(2024, 1), HUGE_VAL),      // 5: infinite
      Value("falls", "ok", Month(2024, 1), 3),              // 6: period repeated
      Value("falls", "ok", Month(2023, 6), 3),              // 7: before the last
      Value("falls", "Bad Site", Month(2024, 1), 3),        // 8: bad site id
      Value("falls", "a--b", Month(2024, 1), 3),            // 9: "--" in the site
      no_period,                                            // 10
      bad_date,                                             // 11
      Rate("screening", "rch", Month(2024, 1), 3, -2),      // 12: negative denominator
  }));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_EQ(Reason(refused.status()), "VALIDATION_FAILED");
  EXPECT_THAT(ViolationFields(refused.status()),
              ElementsAre("measurements[1].point.denominator", "measurements[2].point.value",
                          "measurements[3].point.value", "measurements[4].point.value",
                          "measurements[5].point.value", "measurements[6].point.period",
                          "measurements[7].point.period", "measurements[8].site",
                          "measurements[9].site", "measurements[10].point.period",
                          "measurements[11].point.period", "measurements[12].point.denominator"));
  EXPECT_EQ(Sequence(), before);

  // A measure the initiative does not have (or one without an id) is refused the same way,
  // after the good points of the batch were merged: still nothing is written.
  auto unknown =
      wessex_->BatchUpsertMeasurements(Batch({Value("falls", "ref", Month(2024, 2), 8),
                                              Value("pressure-ulcers", "ref", Month(2024, 2), 1)}));
  ASSERT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument) << unknown.status();
  EXPECT_THAT(ViolationFields(unknown.status()), ElementsAre("measurements[1].measure"));
  EXPECT_EQ(Sequence(), before);
  EXPECT_EQ(ListAll("falls", "ref").series(0).points_size(), 1);

  auto empty = wessex_->BatchUpsertMeasurements(Batch({}));
  EXPECT_THAT(ViolationFields(empty.status()), ElementsAre("measurements"));
  v1::BatchUpsertMeasurementsRequest elsewhere = Batch({Value("falls", "ref", Month(2024, 2), 8)});
  elsewhere.set_parent("initiatives/nowhere");
  EXPECT_EQ(wessex_->BatchUpsertMeasurements(elsewhere).status().code(),
            absl::StatusCode::kNotFound);
  elsewhere.set_parent("experts/ada");
  EXPECT_EQ(Reason(wessex_->BatchUpsertMeasurements(elsewhere).status()), "INVALID_NAME");
}

TEST_F(MeasuresTest, WritersAreTheInitiativesCollaborativesEachForItsOwnSites) {
  auto batch = [](const std::string& site, int month) {
    return Batch({Value("falls", site, Month(2024, month), 5)});
  };
  for (const std::string who : {"reader", "atlas"}) {
    auto refused = ClientAs(who)->BatchUpsertMeasurements(batch("ref", 1));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied) << who;
    EXPECT_EQ(Reason(refused.status()), "ROLE_NOT_ALLOWED") << who;
  }
  // Oxford does not take part yet.
  auto outsider = oxford_->BatchUpsertMeasurements(batch("oxf", 1));
  EXPECT_EQ(outsider.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(outsider.status()), "NOT_OWNER");

  ASSERT_TRUE(wessex_->BatchUpsertMeasurements(batch("ref", 1)).ok());
  ASSERT_TRUE(ClientAs("member-wessex")->BatchUpsertMeasurements(batch("ref", 2)).ok());
  OxfordJoinsHuddles();
  // A participant reports its own sites, and may not touch the lead's.
  ASSERT_TRUE(oxford_->BatchUpsertMeasurements(batch("oxf", 1)).ok());
  EXPECT_EQ(ListAll("falls", "oxf").series(0).reporting_collaborative(), "collaboratives/oxford");
  auto theirs = oxford_->BatchUpsertMeasurements(batch("ref", 3));
  EXPECT_EQ(Reason(theirs.status()), "NOT_OWNER") << theirs.status();
  v1::BatchUpsertMeasurementsRequest as_wessex = batch("new", 1);
  as_wessex.set_reporting_collaborative("collaboratives/wessex");
  EXPECT_EQ(Reason(oxford_->BatchUpsertMeasurements(as_wessex).status()), "NOT_OWNER");
  // The lead may correct every site; an admin reports for a named participant.
  ASSERT_TRUE(wessex_->BatchUpsertMeasurements(batch("oxf", 2)).ok());
  v1::BatchUpsertMeasurementsRequest for_oxford = batch("jr", 1);
  for_oxford.set_reporting_collaborative("collaboratives/oxford");
  ASSERT_TRUE(client_->BatchUpsertMeasurements(for_oxford).ok());
  EXPECT_EQ(ListAll("falls", "jr").series(0).reporting_collaborative(), "collaboratives/oxford");

  // Everyone but the Atlas reads the data.
  v1::ListMeasurementsRequest list;
  list.set_parent("initiatives/huddles");
  auto read = ClientAs("reader")->ListMeasurements(list);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->series_size(), 3);
  EXPECT_EQ(ClientAs("atlas")->ListMeasurements(list).status().code(),
            absl::StatusCode::kPermissionDenied);
  // The Atlas's change feed carries no measure data.
  v1::ListChangesRequest feed;
  feed.set_page_size(1000);
  auto atlas_feed = ClientAs("atlas")->ListChanges(feed);
  ASSERT_TRUE(atlas_feed.ok()) << atlas_feed.status();
  for (const v1::ChangeEvent& e : atlas_feed->changes()) {
    EXPECT_FALSE(e.has_measure_series()) << e.resource_name();
  }

  // A participant that leaves may no longer write, even to the sites it reported.
  v1::LeaveInitiativeRequest leave;
  leave.set_name("initiatives/huddles");
  ASSERT_TRUE(oxford_->LeaveInitiative(leave).ok());
  auto left = oxford_->BatchUpsertMeasurements(batch("oxf", 3));
  EXPECT_EQ(Reason(left.status()), "NOT_OWNER") << left.status();
  EXPECT_TRUE(wessex_->BatchUpsertMeasurements(batch("oxf", 3)).ok());  // the lead still may
}

TEST_F(MeasuresTest, BatchesAndSeriesHoldAtMostAThousandPointsAndAMeasureFiftySites) {
  std::vector<v1::Measurement> thousand;
  for (int i = 0; i < 1000; ++i) thousand.push_back(Value("falls", "ref", NthMonth(i), i % 7));
  auto full = wessex_->BatchUpsertMeasurements(Batch(thousand));
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->added(), 1000);

  auto over = wessex_->BatchUpsertMeasurements(Batch({Value("falls", "ref", NthMonth(1000), 1)}));
  ASSERT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationFields(over.status()), ElementsAre("measurements[0]"));
  // Replacing a point of a full series is fine.
  EXPECT_TRUE(
      wessex_->BatchUpsertMeasurements(Batch({Value("falls", "ref", NthMonth(999), 1)})).ok());

  thousand.push_back(Value("falls", "rch", NthMonth(0), 1));
  auto too_big = wessex_->BatchUpsertMeasurements(Batch(thousand));
  EXPECT_THAT(ViolationFields(too_big.status()), ElementsAre("measurements"));

  std::vector<v1::Measurement> sites;
  for (int s = 1; s < 50; ++s)
    sites.push_back(Value("falls", absl::StrCat("s", s), NthMonth(0), 1));
  auto fifty = wessex_->BatchUpsertMeasurements(Batch(sites));  // 50 sites with ref
  ASSERT_TRUE(fifty.ok()) << fifty.status();
  auto fifty_first =
      wessex_->BatchUpsertMeasurements(Batch({Value("falls", "s50", NthMonth(0), 1)}));
  ASSERT_EQ(fifty_first.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationFields(fifty_first.status()), ElementsAre("measurements[0].site"));
  // Another measure has room of its own.
  EXPECT_TRUE(
      wessex_->BatchUpsertMeasurements(Batch({Value("screening", "s50", NthMonth(0), 1)})).ok());

  // The chart of a full series, and of all fifty sites summed.
  v1::GetMeasureChartRequest r = ChartOf("falls", "ref");
  auto chart = client_->GetMeasureChart(r);
  ASSERT_TRUE(chart.ok()) << chart.status();
  EXPECT_EQ(chart->points_size(), 1000);
  r.clear_site();
  auto summed = client_->GetMeasureChart(r);
  ASSERT_TRUE(summed.ok()) << summed.status();
  EXPECT_EQ(summed->sites_size(), 50);
  EXPECT_EQ(summed->points(0).sites_reporting(), 50);
  // Falls' target (4 a month) is per site: a sum of 50 sites is not held against it, nor drawn.
  EXPECT_FALSE(summed->has_target_value());
  EXPECT_EQ(summed->assurance(), v1::ASSURANCE_ICON_UNSPECIFIED);
  EXPECT_EQ(summed->no_assurance_reason(), v1::TARGET_IS_PER_SITE);
  EXPECT_NE(chart->assurance(), v1::ASSURANCE_ICON_UNSPECIFIED);
}

// Ten series of a thousand points, each with the longest annotation, come back through List
// whole: pages stay within what a response may carry.
TEST_F(MeasuresTest, ListReturnsMaximumSizeSeriesWhole) {
  const std::string annotation(200, 'a');
  for (int s = 0; s < 11; ++s) {
    std::vector<v1::Measurement> points;
    for (int i = 0; i < 1000; ++i) {
      v1::Measurement m = Value("falls", absl::StrCat("site-", s), NthMonth(i), i);
      m.mutable_point()->set_annotation(annotation);
      m.set_site_name(std::string(200, 'n'));
      points.push_back(std::move(m));
    }
    auto written = wessex_->BatchUpsertMeasurements(Batch(points));
    ASSERT_TRUE(written.ok()) << written.status();
  }
  v1::ListMeasurementsRequest r;
  r.set_parent("initiatives/huddles");
  r.set_page_size(1000);  // lowered to 10
  int series = 0, pages = 0;
  do {
    auto page = client_->ListMeasurements(r);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::MeasureSeries& s : page->series()) {
      EXPECT_EQ(s.points_size(), 1000);
      EXPECT_EQ(s.points(999).annotation(), annotation);
      ++series;
    }
    EXPECT_LE(page->series_size(), 10);
    r.set_page_token(page->next_page_token());
    ++pages;
  } while (!r.page_token().empty() && pages < 20);
  EXPECT_EQ(series, 11);
  EXPECT_GE(pages, 2);

  // A period range trims the points.
  r.clear_page_token();
  r.set_site("site-3");
  *r.mutable_from_period() = NthMonth(10);
  *r.mutable_to_period() = NthMonth(12);
  auto trimmed = client_->ListMeasurements(r);
  ASSERT_TRUE(trimmed.ok()) << trimmed.status();
  ASSERT_EQ(trimmed->series_size(), 1);
  EXPECT_EQ(trimmed->series(0).points_size(), 3);
  EXPECT_EQ(trimmed->series(0).points(0).chart_value(), 10);
}

}  // namespace
}  // namespace psc::testing
