#pragma once
// Shared by the measure tests: a real pscd where initiatives/huddles (led by Wessex; Oxford
// another PSC) has two measures with ids, and helpers to build points and batches.

#include <string>
#include <vector>

#include "psc/client/error_details.h"
#include "tests/integration/workflow_fixture.h"

namespace psc::testing {

inline v1::Date Month(int year, int month) {
  v1::Date d;
  d.set_year(year);
  d.set_month(month);
  d.set_day(1);
  return d;
}

// The i-th month from January 2021.
inline v1::Date NthMonth(int i) { return Month(2021 + i / 12, 1 + i % 12); }

inline v1::Measurement Value(const std::string& measure, const std::string& site, v1::Date period,
                             double value) {
  v1::Measurement m;
  m.set_measure(measure);
  m.set_site(site);
  *m.mutable_point()->mutable_period() = period;
  m.mutable_point()->set_value(value);
  return m;
}

inline v1::Measurement Rate(const std::string& measure, const std::string& site, v1::Date period,
                            double numerator, double denominator) {
  v1::Measurement m;
  m.set_measure(measure);
  m.set_site(site);
  *m.mutable_point()->mutable_period() = period;
  m.mutable_point()->set_numerator(numerator);
  m.mutable_point()->set_denominator(denominator);
  return m;
}

inline v1::BatchUpsertMeasurementsRequest Batch(std::vector<v1::Measurement> measurements) {
  v1::BatchUpsertMeasurementsRequest r;
  r.set_parent("initiatives/huddles");
  for (auto& m : measurements) *r.add_measurements() = std::move(m);
  return r;
}

inline std::vector<std::string> ViolationFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const auto& v : client::GetErrorDetails(status).field_violations) fields.push_back(v.field);
  return fields;
}

inline v1::GetMeasureChartRequest ChartOf(const std::string& measure,
                                          const std::string& site = "") {
  v1::GetMeasureChartRequest r;
  r.set_parent("initiatives/huddles");
  r.set_measure(measure);
  r.set_site(site);
  return r;
}

// initiatives/huddles (led by Wessex) measures falls (a count, lower is better, target 4, the
// sites' values add) and screening (a percentage from numerator and denominator, higher is
// better).
class MeasuresTest : public WorkflowTest {
 protected:
  void SetUp() override {
    WorkflowTest::SetUp();
    v1::Initiative patch;
    patch.set_name("initiatives/huddles");
    v1::Measure* falls = patch.add_measures();
    falls->set_kind(v1::OUTCOME);
    falls->set_name("Inpatient falls");
    falls->set_id("falls");
    falls->set_unit("falls a month");
    falls->set_improvement_direction(v1::LOWER_IS_BETTER);
    falls->set_target_value(4);
    falls->set_site_combination(v1::VALUES_ADD);
    v1::Measure* screening = patch.add_measures();
    screening->set_kind(v1::PROCESS);
    screening->set_name("Patients screened for falls risk");
    screening->set_id("screening");
    screening->set_unit("%");
    screening->set_improvement_direction(v1::HIGHER_IS_BETTER);
    screening->set_rate_multiplier(100);
    google::protobuf::FieldMask mask;
    mask.add_paths("measures");
    auto updated = wessex_->UpdateInitiative(patch, mask);
    ASSERT_TRUE(updated.ok()) << updated.status();
  }

  uint64_t Sequence() { return client_->ListInitiatives({})->sequence(); }

  v1::ListMeasurementsResponse ListAll(const std::string& measure = "",
                                       const std::string& site = "") {
    v1::ListMeasurementsRequest r;
    r.set_parent("initiatives/huddles");
    r.set_measure(measure);
    r.set_site(site);
    auto page = client_->ListMeasurements(r);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : v1::ListMeasurementsResponse();
  }
};

}  // namespace psc::testing
