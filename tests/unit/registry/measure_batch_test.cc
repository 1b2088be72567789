// The pure steps of measure data: series ids, batch checks and merging (batch_merge.h).

#include "gtest/gtest.h"
#include "server/registry/kinds/measure_points.h"
#include "server/registry/measures/batch_merge.h"
#include "server/spc/points.h"
#include "server/spc/series_ids.h"

namespace psc::registry::measures {
namespace {

v1::Measurement Point(const std::string& site, int month, double value) {
  v1::Measurement m;
  m.set_measure("falls");
  m.set_site(site);
  m.mutable_point()->mutable_period()->set_year(2024);
  m.mutable_point()->mutable_period()->set_month(month);
  m.mutable_point()->mutable_period()->set_day(1);
  m.mutable_point()->set_value(value);
  return m;
}

TEST(SeriesIdsTest, MeasureAndSiteJoinIntoAResourceIdThatSplitsBack) {
  EXPECT_TRUE(spc::IsValidMeasureId("falls-rate"));
  EXPECT_FALSE(spc::IsValidMeasureId("0falls"));
  EXPECT_TRUE(spc::IsValidSiteId("0de"));  // ODS codes may start with a digit
  for (const char* bad : {"", "-a", "a-", "a--b", "A", "a b", "a_b"}) {
    EXPECT_FALSE(spc::IsValidSiteId(bad)) << bad;
    EXPECT_FALSE(spc::IsValidMeasureId(bad)) << bad;
  }
  EXPECT_TRUE(spc::IsValidMeasureId(std::string(30, 'a')));
  EXPECT_FALSE(spc::IsValidMeasureId(std::string(31, 'a')));
  std::pair<std::string, std::string> ids;
  ASSERT_TRUE(spc::SplitSeriesId(spc::SeriesId("falls-rate", "0de"), &ids));
  EXPECT_EQ(ids.first, "falls-rate");
  EXPECT_EQ(ids.second, "0de");
  EXPECT_FALSE(spc::SplitSeriesId("falls", &ids));
  EXPECT_FALSE(spc::SplitSeriesId("falls--", &ids));
  EXPECT_EQ(spc::SeriesName("initiatives/x", "falls", "ref"), "initiatives/x/series/falls--ref");
}

TEST(MeasureBatchTest, GroupsBySeriesInOrderOfFirstPoint) {
  v1::BatchUpsertMeasurementsRequest r;
  *r.add_measurements() = Point("b", 1, 1);
  *r.add_measurements() = Point("a", 1, 1);
  *r.add_measurements() = Point("b", 2, 1);
  EXPECT_TRUE(CheckBatch(r).empty());
  std::vector<SeriesBatch> groups = GroupBySeries(r);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].site, "b");
  EXPECT_EQ(groups[0].indices, (std::vector<int>{0, 2}));
  EXPECT_EQ(groups[1].indices, (std::vector<int>{1}));
}

TEST(MeasureBatchTest, MergeAddsReplacesAndKeepsPointsInPeriodOrder) {
  v1::MeasureSeries stored;
  stored.set_site_name("Old name");
  for (int month : {2, 4, 6}) *stored.add_points() = Point("a", month, month).point();
  v1::BatchUpsertMeasurementsRequest r;
  *r.add_measurements() = Point("a", 1, 1);   // added before all
  *r.add_measurements() = Point("a", 4, 4);   // unchanged
  *r.add_measurements() = Point("a", 5, 5);   // added between
  *r.add_measurements() = Point("a", 6, 60);  // replaced
  *r.add_measurements() = Point("a", 9, 9);   // added after all
  MergeCounts counts;
  auto merged = MergeSeries(r, GroupBySeries(r)[0], &stored, &counts);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_TRUE(merged->changed);
  EXPECT_EQ(counts.added, 3);
  EXPECT_EQ(counts.replaced, 1);
  EXPECT_EQ(counts.unchanged, 1);
  std::vector<int> months;
  for (const v1::MeasurePoint& p : merged->series.points()) months.push_back(p.period().month());
  EXPECT_EQ(months, (std::vector<int>{1, 2, 4, 5, 6, 9}));
  EXPECT_EQ(merged->series.points(4).value(), 60);
  EXPECT_EQ(merged->series.site_name(), "Old name");  // the batch gave none

  // The stored points again: nothing changes.
  v1::BatchUpsertMeasurementsRequest same;
  for (const v1::MeasurePoint& p : stored.points()) {
    v1::Measurement* m = same.add_measurements();
    m->set_measure("falls");
    m->set_site("a");
    *m->mutable_point() = p;
    m->mutable_point()->set_chart_value(123);  // output only: ignored
  }
  MergeCounts again;
  auto unchanged = MergeSeries(same, GroupBySeries(same)[0], &stored, &again);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_FALSE(unchanged->changed);
  EXPECT_EQ(again.unchanged, 3);
}

TEST(MeasureBatchTest, ASeriesPastItsBoundIsRefused) {
  v1::MeasureSeries stored;
  v1::BatchUpsertMeasurementsRequest r;
  for (int i = 0; i < kMaxSeriesPoints; ++i) {
    v1::Measurement m = Point("a", 1, i);
    m.mutable_point()->mutable_period()->set_year(1900 + i / 12);
    m.mutable_point()->mutable_period()->set_month(1 + i % 12);
    *stored.add_points() = m.point();
  }
  *r.add_measurements() = Point("a", 1, 1);  // 2024: beyond the stored ones
  MergeCounts counts;
  EXPECT_EQ(MergeSeries(r, GroupBySeries(r)[0], &stored, &counts).status().code(),
            absl::StatusCode::kInvalidArgument);
  stored.mutable_points()->RemoveLast();
  EXPECT_TRUE(MergeSeries(r, GroupBySeries(r)[0], &stored, &counts).ok());
}

}  // namespace
}  // namespace psc::registry::measures
