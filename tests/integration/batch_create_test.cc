// BatchCreateRecords: many Creates in one call, each succeeding or failing on its own, in order,
// admins only, at its bounds (500 records, the 1 MiB request) and under the admins' write limit.

#include "absl/strings/str_cat.h"
#include "psc/client/error_details.h"
#include "psc/client/records.h"
#include "tests/integration/registry_fixture.h"

namespace psc::testing {
namespace {

namespace v1 = registry::v1;

// `resource` (its name set to `name`) as a record of a batch.
template <typename T>
v1::RegistryRecord Named(T resource, const std::string& name) {
  resource.set_name(name);
  return client::ToRegistryRecord(resource);
}

class BatchCreateTest : public RegistryTest {
 protected:
  v1::BatchCreateRecordsRequest Batch(std::vector<v1::RegistryRecord> records) {
    v1::BatchCreateRecordsRequest request;
    for (auto& r : records) *request.add_records() = std::move(r);
    return request;
  }
  uint64_t Sequence() { return client_->ListCollaboratives({})->sequence(); }
};

TEST_F(BatchCreateTest, EachRecordIsCreatedOrRefusedOnItsOwnInOrder) {
  const std::string wessex = AddCollaborative("wessex");
  ASSERT_TRUE(client_->CreateExpert(MakeExpert(wessex), {.id = "taken"}).ok());
  v1::Expert nameless = MakeExpert(wessex);
  nameless.clear_display_name();  // required
  v1::MeasureSeries series;
  series.set_name("initiatives/huddles/series/falls--wessex");
  v1::RegistryRecord series_record;
  *series_record.mutable_measure_series() = series;
  const uint64_t before = Sequence();

  auto response = client_->BatchCreateRecords(Batch({
      Named(MakeInitiative(wessex), "initiatives/huddles"),
      // Refers to the initiative created just before it in the same batch.
      Named(MakeCaseStudy(wessex), "caseStudies/huddles-story"),
      Named(MakeExpert(wessex), "experts/taken"),
      Named(nameless, "experts/nameless"),
      Named(MakeExpert("collaboratives/atlantis"), "experts/orphan"),
      series_record,
      Named(MakeExpert(wessex), "initiatives/not-an-expert"),
      Named(MakeResource(wessex), "resources/psmu"),
      // No id: refused, not given a made-up one.
      Named(MakeExpert(wessex), "experts/"),
  }));
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results_size(), 9);
  auto error = [&](int i) { return client::FromRpcStatus(response->results(i).error()); };
  EXPECT_TRUE(error(0).ok()) << error(0);
  EXPECT_EQ(response->results(0).name(), "initiatives/huddles");
  EXPECT_TRUE(error(1).ok()) << error(1);
  EXPECT_EQ(error(2).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Reason(error(2)), "RESOURCE_EXISTS");
  EXPECT_EQ(error(3).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Reason(error(3)), "VALIDATION_FAILED");
  EXPECT_EQ(client::GetErrorDetails(error(3)).field_violations.at(0).field, "expert.display_name");
  EXPECT_EQ(Reason(error(4)), "REFERENCE_NOT_FOUND");
  EXPECT_EQ(Reason(error(5)), "UNSUPPORTED_RECORD");
  EXPECT_EQ(Reason(error(6)), "INVALID_NAME");
  EXPECT_TRUE(error(7).ok()) << error(7);
  EXPECT_EQ(error(8).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client::GetErrorDetails(error(8)).field_violations.at(0).field, "records[8].name");

  // What was created is there, under the names given, one change each.
  auto initiative = client_->GetInitiative("initiatives/huddles");
  ASSERT_TRUE(initiative.ok()) << initiative.status();
  EXPECT_EQ(initiative->title(), "Safety huddles");
  EXPECT_TRUE(client_->GetCaseStudy("caseStudies/huddles-story").ok());
  EXPECT_TRUE(client_->GetResource("resources/psmu").ok());
  EXPECT_EQ(client_->GetExpert("experts/nameless").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->ListAllExperts()->size(), 1u);  // "taken", from before
  EXPECT_EQ(Sequence(), before + 3);
}

TEST_F(BatchCreateTest, OnlyAdminsMayAndNothingIsWrittenOtherwise) {
  const std::string wessex = AddCollaborative("wessex");
  const uint64_t before = Sequence();
  for (const char* who : {"lead-wessex", "member-wessex", "reader", "atlas"}) {
    auto response =
        ClientAs(who)->BatchCreateRecords(Batch({Named(MakeExpert(wessex), "experts/one")}));
    EXPECT_EQ(response.status().code(), absl::StatusCode::kPermissionDenied) << who;
    EXPECT_EQ(Reason(response.status()), "ROLE_NOT_ALLOWED") << who;
  }
  EXPECT_EQ(Sequence(), before);
}

TEST_F(BatchCreateTest, TakesOneTo500RecordsAndAtMostAMebibyte) {
  const std::string wessex = AddCollaborative("wessex");
  auto empty = client_->BatchCreateRecords({});
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Reason(empty.status()), "VALIDATION_FAILED");

  std::vector<v1::RegistryRecord> records;
  for (int i = 0; i < 501; ++i) {
    records.push_back(Named(MakeExpert(wessex), absl::StrCat("experts/e", i)));
  }
  const uint64_t before = Sequence();
  auto too_many = client_->BatchCreateRecords(Batch(records));
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_many.status().message().find("not 501"), std::string::npos) << too_many.status();
  EXPECT_EQ(Sequence(), before);

  records.pop_back();  // 500: the bound
  auto most = client_->BatchCreateRecords(Batch(records));
  ASSERT_TRUE(most.ok()) << most.status();
  ASSERT_EQ(most->results_size(), 500);
  for (const auto& result : most->results()) EXPECT_EQ(result.error().code(), 0) << result.name();
  EXPECT_EQ(Sequence(), before + 500);
  EXPECT_EQ(client_->ListAllExperts()->size(), 500u);

  // Initiatives at their largest (~170 KB): five fit in a request, seven do not.
  std::vector<v1::RegistryRecord> largest;
  for (int i = 0; i < 7; ++i) {
    largest.push_back(Named(MakeLargestInitiative(wessex, absl::StrCat("Largest ", i)),
                            absl::StrCat("initiatives/largest-", i)));
  }
  auto too_large = client_->BatchCreateRecords(Batch(largest));
  EXPECT_EQ(too_large.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Reason(too_large.status()), "REQUEST_TOO_LARGE");
  largest.resize(5);
  auto fits = client_->BatchCreateRecords(Batch(largest));
  ASSERT_TRUE(fits.ok()) << fits.status();
  for (const auto& result : fits->results()) EXPECT_EQ(result.error().code(), 0) << result.name();
  auto stored = client_->GetInitiative("initiatives/largest-4");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->summary(), largest[4].initiative().summary());
}

// With --limit-admins, a batch takes a write token a record: the admin's next write waits.
TEST_F(BatchCreateTest, ABatchSpendsATokenARecordOfALimitedAdmin) {
  StopServer();
  auto process = PscdProcess::Start(
      {.data_dir = data_dir_.Sub("limited"),
       .extra_args = {"--limit-admins", "--write-rate", "1", "--write-burst", "50"}});
  ASSERT_TRUE(process.ok()) << process.status();
  pscd_ = *std::move(process);
  client_ = ClientAs("admin");
  const std::string wessex = AddCollaborative("wessex");  // one token of 50
  std::vector<v1::RegistryRecord> records;
  for (int i = 0; i < 40; ++i) {
    records.push_back(Named(MakeExpert(wessex), absl::StrCat("experts/e", i)));
  }
  auto batch = client_->BatchCreateRecords(Batch(records));  // 40 more: 9 left
  ASSERT_TRUE(batch.ok()) << batch.status();
  auto again = client_->BatchCreateRecords(Batch(records));  // admitted, 30 in debt
  ASSERT_TRUE(again.ok()) << again.status();
  auto next = client_->CreateExpert(MakeExpert(wessex), {.id = "one-more"});
  EXPECT_EQ(next.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Reason(next.status()), "RATE_LIMITED");
}

}  // namespace
}  // namespace psc::testing
