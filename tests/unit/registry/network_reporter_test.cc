// The national report's running totals: after a random workload of creates, updates (leads,
// participants, workstreams, statuses, what an initiative was adopted from) and deletes, the
// totals NetworkReporter serves equal a full recount of the records, for every scope.

#include "server/registry/report/network_reporter.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "server/registry/feed/change_feed.h"
#include "server/registry/fields/resource_fields.h"
#include "server/registry/report/network_report.h"
#include "server/registry/workflows/workflows.h"
#include "tests/testing/registry_harness.h"

namespace psc::registry {
namespace {

const std::vector<std::string> kCollaboratives = {"wessex", "oxford", "kss", "north-east"};

class NetworkReporterTest : public ::testing::Test {
 protected:
  std::string AnyCollaborative() {
    return "collaboratives/" + kCollaboratives[random_() % kCollaboratives.size()];
  }
  std::string AnyInitiative() { return absl::StrCat("initiatives/i", random_() % 40); }
  // An initiative with random fields that the report counts.
  v1::Initiative RandomInitiative() {
    v1::Initiative i = testing::MakeInitiative(AnyCollaborative());
    for (int n = random_() % 3; n > 0; --n) {
      const std::string other = AnyCollaborative();
      if (other != i.lead_collaborative() &&
          std::find(i.participant_collaboratives().begin(), i.participant_collaboratives().end(),
                    other) == i.participant_collaboratives().end()) {
        i.add_participant_collaboratives(other);
      }
    }
    i.set_workstream(static_cast<v1::Workstream>(1 + random_() % 4));
    if (random_() % 2 == 0) i.set_adopted_from(AnyInitiative());
    return i;
  }
  // One random write; failures (an initiative that is not there, a reference refused) change
  // nothing and are part of the workload too.
  void RandomWrite() {
    const std::string name = AnyInitiative();
    switch (random_() % 8) {
      case 0:
      case 1:
        (void)h_.Create(Caller::Admin(), InitiativeKind(), RandomInitiative(),
                        name.substr(name.find('/') + 1));
        break;
      case 2: {
        v1::Initiative patch = RandomInitiative();
        patch.set_name(name);
        google::protobuf::FieldMask mask;
        for (const char* path :
             {"lead_collaborative", "participant_collaboratives", "workstream", "adopted_from"}) {
          if (random_() % 2 == 0) mask.add_paths(path);
        }
        (void)testing::Written<v1::Initiative>([&](RecordCallback done) {
          h_.registry().Update(Caller::Admin(), InitiativeKind(),
                               std::make_unique<v1::Initiative>(patch), mask, "", std::move(done));
        });
        break;
      }
      case 3:
        (void)h_.Delete(Caller::Admin(), InitiativeKind(), name);
        break;
      case 4:
        AskToJoinOrDecide(name);
        break;
      case 5:
        RequestDaysOrDecide(name);
        break;
      default: {
        v1::CaseStudy study = testing::MakeCaseStudy(AnyCollaborative());
        study.add_collaboratives(AnyCollaborative());
        study.set_publication_state(random_() % 2 == 0 ? v1::PUBLISHED : v1::DRAFT);
        (void)h_.Create(Caller::Admin(), CaseStudyKind(), study,
                        absl::StrCat("s", random_() % 1000000));
      }
    }
  }

  // A random collaborative's lead asks to join `initiative`, or the lead decides a pending ask.
  void AskToJoinOrDecide(const std::string& initiative) {
    auto pending =
        workflows_.ListJoinRequests(Caller::Admin(), initiative, v1::DIRECTION_UNSPECIFIED, 10, "");
    if (pending.ok() && !pending->resources.empty() && random_() % 2 == 0) {
      const std::string name = GetName(*pending->resources[0]);
      auto lead = h_.Get<v1::Initiative>(Caller::Admin(), InitiativeKind(), initiative);
      if (!lead.ok()) return;
      const std::string id =
          lead->lead_collaborative().substr(lead->lead_collaborative().find('/') + 1);
      (void)testing::Written<v1::JoinRequest>([&](RecordCallback done) {
        workflows_.DecideJoinRequest(
            testing::LeadOf(id),
            random_() % 2 == 0 ? JoinDecision::kApprove : JoinDecision::kDecline, name,
            "not this year", "", std::move(done));
      });
      return;
    }
    const std::string who = kCollaboratives[random_() % kCollaboratives.size()];
    (void)testing::Written<v1::JoinRequest>([&](RecordCallback done) {
      workflows_.CreateJoinRequest(testing::LeadOf(who), initiative, {}, {}, std::move(done));
    });
  }
  // A random lead asks an expert for days for `initiative`; or a request is accepted, declined
  // or completed by the expert's home lead.
  void RequestDaysOrDecide(const std::string& initiative) {
    const std::string expert = absl::StrCat("experts/e", random_() % 4);
    auto home = h_.Get<v1::Expert>(Caller::Admin(), ExpertKind(), expert);
    if (!home.ok()) return;
    const std::string home_id =
        home->home_collaborative().substr(home->home_collaborative().find('/') + 1);
    auto requests =
        workflows_.ListSharingRequests(Caller::Admin(), expert, v1::DIRECTION_UNSPECIFIED, 10, "");
    if (requests.ok() && !requests->resources.empty() && random_() % 2 == 0) {
      const auto& request = static_cast<const v1::SharingRequest&>(
          *requests->resources[random_() % requests->resources.size()]);
      (void)testing::Written<v1::SharingRequest>([&](RecordCallback done) {
        if (request.state() == v1::SHARING_ACCEPTED) {
          workflows_.CompleteSharingRequest(
              testing::LeadOf(home_id), request.name(),
              static_cast<int>(random_() % (request.days_per_month() + 1)), "", "",
              std::move(done));
        } else {
          workflows_.DecideSharingRequest(
              testing::LeadOf(home_id),
              random_() % 3 == 0 ? SharingDecision::kDecline : SharingDecision::kAccept,
              request.name(), "booked", "", std::move(done));
        }
      });
      return;
    }
    auto lead = h_.Get<v1::Initiative>(Caller::Admin(), InitiativeKind(), initiative);
    if (!lead.ok()) return;
    v1::SharingRequest request;
    request.set_initiative(initiative);
    request.set_days_per_month(1 + static_cast<int>(random_() % 2));
    const absl::CivilMonth now = absl::ToCivilMonth(absl::Now(), absl::UTCTimeZone());
    request.mutable_start_month()->set_year(static_cast<int>(now.year()));
    request.mutable_start_month()->set_month(now.month());
    request.set_months(1 + static_cast<int>(random_() % 2));
    const std::string id =
        lead->lead_collaborative().substr(lead->lead_collaborative().find('/') + 1);
    (void)testing::Written<v1::SharingRequest>([&](RecordCallback done) {
      workflows_.CreateSharingRequest(testing::LeadOf(id), expert, request, {}, std::move(done));
    });
  }

  // Shareable experts with days to give, homed across the collaboratives.
  void AddExperts() {
    for (int e = 0; e < 4; ++e) {
      v1::Expert expert = testing::MakeExpert(AnyCollaborative());
      expert.set_days_per_month_offered(6);
      expert.set_shareable(true);
      ASSERT_TRUE(h_.Create(Caller::Admin(), ExpertKind(), expert, absl::StrCat("e", e)).ok());
    }
  }

  // The served report equals the recount, scope by scope.
  void ExpectTotalsEqualARecount(const NetworkReporter& reporter) {
    auto served = reporter.Report(Caller::Admin(), "");
    ASSERT_TRUE(served.ok()) << served.status();
    auto recounted = RecountNetworkReport(h_.registry(), Caller::Admin(), "");
    ASSERT_TRUE(recounted.ok()) << recounted.status();
    EXPECT_EQ(served->sequence(), recounted->sequence());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*served, *recounted))
        << "served:\n"
        << served->DebugString() << "recounted:\n"
        << recounted->DebugString();
    for (const std::string& c : kCollaboratives) {
      auto one = reporter.Report(Caller::Admin(), "collaboratives/" + c);
      auto counted = RecountNetworkReport(h_.registry(), Caller::Admin(), "collaboratives/" + c);
      ASSERT_TRUE(one.ok() && counted.ok());
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*one, *counted)) << c;
    }
  }

  testing::RegistryHarness h_;
  Workflows workflows_{&h_.store(), &h_.registry()};
  StoreChangeFeed feed_{&h_.store()};
  std::mt19937 random_{20261207};
};

TEST_F(NetworkReporterTest, TheTotalsEqualARecountAfterARandomWorkload) {
  for (const std::string& c : kCollaboratives) h_.AddCollaborative(c);
  AddExperts();
  NetworkReporter reporter(&h_.registry(), &feed_);
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 100; ++i) RandomWrite();
    reporter.OnCommit(h_.store().last_sequence());
    ExpectTotalsEqualARecount(reporter);
  }
  auto report = reporter.Report(Caller::Admin(), "");
  ASSERT_TRUE(report.ok());
  // The workload reached what it means to test.
  EXPECT_GT(report->figures().initiatives(), 5);
  EXPECT_GT(report->figures().adopted_from_another_psc(), 0);
  EXPECT_GT(report->figures().multi_psc_initiatives(), 0);
  EXPECT_GT(report->figures().case_studies_published(), 0);
  EXPECT_GT(report->figures().join_requests_approved(), 0);
  EXPECT_GT(report->figures().expert_days_given(), 0);
  EXPECT_GT(report->figures().expert_days_delivered_given(), 0);
}

// Started over a registry that already holds records, the reporter counts them first.
TEST_F(NetworkReporterTest, AReporterStartedLateCountsWhatIsThere) {
  for (const std::string& c : kCollaboratives) h_.AddCollaborative(c);
  AddExperts();
  for (int i = 0; i < 200; ++i) RandomWrite();
  NetworkReporter reporter(&h_.registry(), &feed_);
  ExpectTotalsEqualARecount(reporter);
  EXPECT_EQ(reporter.sequence(), h_.store().last_sequence());
}

TEST_F(NetworkReporterTest, TheReportRefusesWhomTheRecountRefuses) {
  h_.AddCollaborative("wessex");
  NetworkReporter reporter(&h_.registry(), &feed_);
  const Caller atlas{"spiffe://test/atlas", v1::ATLAS, ""};
  EXPECT_EQ(reporter.Report(atlas, "").status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(reporter.Report(Caller::Admin(), "collaboratives/nowhere").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace psc::registry
