// Expert sharing requests: every transition and who may make it, the capacity rule under
// concurrent accepts, completion, and free days in the expert finder.

#include <atomic>
#include <thread>

#include "absl/time/clock.h"
#include "tests/integration/workflow_fixture.h"

namespace psc::testing {
namespace {

class SharingRequestTest : public WorkflowTest {
 protected:
  void SetUp() override {
    WorkflowTest::SetUp();
    OxfordJoinsHuddles();
  }
  v1::SharingRequest Ask(int days, int year = 2027, int month = 1, int months = 1) {
    auto created = oxford_->CreateSharingRequest("experts/ada", Days(days, year, month, months));
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : v1::SharingRequest();
  }
};

TEST_F(SharingRequestTest, TheHomeCollaborativeAcceptsOrDeclines) {
  v1::SharingRequest asked = Ask(2);
  EXPECT_EQ(asked.state(), v1::SHARING_PENDING);
  EXPECT_EQ(asked.home_collaborative(), "collaboratives/wessex");
  EXPECT_TRUE(asked.name().starts_with("experts/ada/requests/")) << asked.name();

  EXPECT_EQ(Reason(oxford_->AcceptSharingRequest(Decide(asked.name())).status()), "NOT_OWNER");
  EXPECT_EQ(Reason(ClientAs("member-wessex")->AcceptSharingRequest(Decide(asked.name())).status()),
            "ROLE_NOT_ALLOWED");
  auto accepted = wessex_->AcceptSharingRequest(Decide(asked.name()));
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state(), v1::SHARING_ACCEPTED);
  EXPECT_EQ(Reason(wessex_->DeclineSharingRequest(Decide(asked.name(), "no")).status()),
            "INVALID_STATE");

  v1::SharingRequest other = Ask(1);
  EXPECT_EQ(wessex_->DeclineSharingRequest(Decide(other.name())).status().code(),
            absl::StatusCode::kInvalidArgument);  // no reason
  auto declined = wessex_->DeclineSharingRequest(Decide(other.name(), "On leave in January"));
  ASSERT_TRUE(declined.ok()) << declined.status();
  EXPECT_EQ(declined->state(), v1::SHARING_DECLINED);
  EXPECT_EQ(Reason(oxford_->CancelSharingRequest(Decide(other.name())).status()), "INVALID_STATE");
}

TEST_F(SharingRequestTest, AcceptingBeyondTheFreeDaysIsRefused) {
  ASSERT_TRUE(wessex_->AcceptSharingRequest(Decide(Ask(3, 2027, 1, 2).name())).ok());
  // January and February now have 1 free day each; a request over Feb-Mar for 2 overflows Feb.
  auto over = wessex_->AcceptSharingRequest(Decide(Ask(2, 2027, 2, 2).name()));
  EXPECT_EQ(over.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Reason(over.status()), "OVERBOOKED");
  EXPECT_EQ(client::GetErrorDetails(over.status()).metadata["month"], "2027-02");
  EXPECT_EQ(client::GetErrorDetails(over.status()).metadata["free_days"], "1");
  // One day fits; March alone has room for four.
  EXPECT_TRUE(wessex_->AcceptSharingRequest(Decide(Ask(1, 2027, 2, 1).name())).ok());
  v1::SharingRequest all_march = Ask(4, 2027, 3, 1);
  EXPECT_TRUE(wessex_->AcceptSharingRequest(Decide(all_march.name())).ok());
  v1::SharingRequest march = Ask(1, 2027, 3, 1);
  EXPECT_EQ(Reason(wessex_->AcceptSharingRequest(Decide(march.name())).status()), "OVERBOOKED");
  // Cancelling an accepted request frees its days.
  ASSERT_TRUE(oxford_->CancelSharingRequest(Decide(all_march.name())).ok());
  EXPECT_TRUE(wessex_->AcceptSharingRequest(Decide(march.name())).ok());
}

TEST_F(SharingRequestTest, ConcurrentAcceptsNeverOverbook) {
  // 12 one-day requests for the same month of an expert offering 4 days, accepted at once by
  // 12 clients: exactly 4 succeed.
  std::vector<std::string> names;
  for (int i = 0; i < 12; ++i) names.push_back(Ask(1, 2027, 6, 1).name());
  std::atomic<int> accepted{0}, overbooked{0}, other{0};
  std::vector<std::thread> threads;
  for (const std::string& name : names) {
    threads.emplace_back([&, name] {
      auto client = ClientAs("lead-wessex");
      auto result = client->AcceptSharingRequest(Decide(name));
      if (result.ok()) {
        ++accepted;
      } else if (Reason(result.status()) == "OVERBOOKED") {
        ++overbooked;
      } else {
        ++other;
        ADD_FAILURE() << "neither accepted nor overbooked: " << result.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 4);
  EXPECT_EQ(overbooked.load(), 8);
  EXPECT_EQ(other.load(), 0);
  v1::ListSharingRequestsRequest list;
  list.set_parent("experts/ada");
  list.set_page_size(100);
  auto stored = client_->ListSharingRequests(list);
  ASSERT_TRUE(stored.ok());
  int committed = 0;
  for (const auto& r : stored->sharing_requests()) {
    if (r.state() == v1::SHARING_ACCEPTED) committed += r.days_per_month();
  }
  EXPECT_EQ(committed, 4);
}

TEST_F(SharingRequestTest, CancelCompleteAndWhoMayAsk) {
  v1::SharingRequest asked = Ask(2);
  EXPECT_EQ(Reason(wessex_->CancelSharingRequest(Decide(asked.name())).status()), "NOT_OWNER");
  ASSERT_TRUE(wessex_->AcceptSharingRequest(Decide(asked.name())).ok());

  v1::CompleteSharingRequestRequest complete;
  complete.set_name(asked.name());
  complete.set_days_delivered(3);  // 2 days x 1 month at most
  EXPECT_EQ(oxford_->CompleteSharingRequest(complete).status().code(),
            absl::StatusCode::kInvalidArgument);
  complete.set_days_delivered(2);
  complete.set_feedback("Excellent simulation training");
  EXPECT_EQ(Reason(ClientAs("reader")->CompleteSharingRequest(complete).status()),
            "ROLE_NOT_ALLOWED");
  auto completed = oxford_->CompleteSharingRequest(complete);
  ASSERT_TRUE(completed.ok()) << completed.status();
  v1::ListSharingRequestsRequest outgoing;
  outgoing.set_parent("collaboratives/oxford");
  outgoing.set_direction(v1::OUTGOING);
  auto mine = oxford_->ListSharingRequests(outgoing);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->sharing_requests_size(), 1);
  EXPECT_EQ(mine->sharing_requests(0).state(), v1::SHARING_COMPLETED);
  EXPECT_EQ(mine->sharing_requests(0).days_delivered(), 2);
  EXPECT_EQ(mine->sharing_requests(0).feedback(), "Excellent simulation training");
  EXPECT_EQ(Reason(oxford_->CompleteSharingRequest(complete).status()), "INVALID_STATE");

  // Cancelling: pending or accepted, by the requester.
  v1::SharingRequest later = Ask(1);
  auto cancelled = oxford_->CancelSharingRequest(Decide(later.name(), "Project delayed"));
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state(), v1::SHARING_CANCELLED);

  // An unshareable expert of another PSC cannot be asked for; bad input is rejected.
  v1::Expert private_expert = MakeExpert("collaboratives/wessex", "Bo Private");
  private_expert.set_shareable(false);
  ASSERT_TRUE(wessex_->CreateExpert(private_expert, {.id = "bo"}).ok());
  EXPECT_EQ(Reason(oxford_->CreateSharingRequest("experts/bo", Days(1, 2027, 1, 1)).status()),
            "NOT_SHAREABLE");
  EXPECT_TRUE(wessex_->CreateSharingRequest("experts/bo", Days(1, 2027, 1, 1)).ok());
  auto bad = oxford_->CreateSharingRequest("experts/ada", Days(0, 2027, 13, 0));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client::GetErrorDetails(bad.status()).field_violations.size(), 3u);
  EXPECT_EQ(
      Reason(ClientAs("reader")->CreateSharingRequest("experts/ada", Days(1, 2027, 1, 1)).status()),
      "ROLE_NOT_ALLOWED");
}

TEST_F(SharingRequestTest, TheExpertFinderCountsAcceptedDaysThisMonth) {
  const absl::CivilMonth now = absl::ToCivilMonth(absl::Now(), absl::UTCTimeZone());
  v1::SharingRequest asked = Ask(3, static_cast<int>(now.year()), now.month(), 1);
  ASSERT_TRUE(wessex_->AcceptSharingRequest(Decide(asked.name())).ok());
  v1::FindExpertsRequest find;
  find.set_min_free_days(2);
  v1::ListExpertsRequest list;
  find.set_min_sequence(client_->ListExperts(list)->sequence());
  auto found = client_->FindExperts(find);
  ASSERT_TRUE(found.ok()) << found.status();
  for (const auto& m : found->experts()) EXPECT_NE(m.expert().name(), "experts/ada");
  find.set_min_free_days(1);
  found = client_->FindExperts(find);
  ASSERT_TRUE(found.ok());
  bool seen = false;
  for (const auto& m : found->experts()) {
    if (m.expert().name() == "experts/ada") {
      seen = true;
      EXPECT_EQ(m.free_days(), 1);
    }
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace psc::testing
