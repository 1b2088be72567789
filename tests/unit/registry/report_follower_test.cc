// The reports' running state: after a random workload of creates, updates (leads, participants,
// workstreams, statuses, measures, what an initiative was adopted from), deletes, joins, expert
// days and measure data, the national report ReportFollower serves equals a full recount of the
// records for every scope, and its spread report equals the recount for two dates.

#include "server/registry/report/report_follower.h"

#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "server/common/errors.h"
#include "server/registry/feed/change_feed.h"
#include "server/registry/fields/resource_fields.h"
#include "server/registry/measures/measurements.h"
#include "server/registry/report/network_report.h"
#include "server/registry/report/spread_report.h"
#include "server/registry/workflows/workflows.h"
#include "tests/testing/registry_harness.h"

namespace psc::registry {
namespace {

const std::vector<std::string> kCollaboratives = {"wessex", "oxford", "kss", "north-east"};

class ReportFollowerTest : public ::testing::Test {
 protected:
  std::string AnyCollaborative() {
    return "collaboratives/" + kCollaboratives[random_() % kCollaboratives.size()];
  }
  std::string AnyInitiative() { return absl::StrCat("initiatives/i", random_() % 16); }
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
    i.set_status(random_() % 3 == 0 ? v1::PROPOSED : v1::ACTIVE);
    // Measure ids the data is recorded under; now and then the outcome measure's changes.
    i.mutable_measures(0)->set_id(random_() % 4 == 0 ? "falls-rate" : "falls");
    i.mutable_measures(0)->set_improvement_direction(v1::LOWER_IS_BETTER);
    i.mutable_measures(1)->set_id("audits");
    if (random_() % 2 == 0) i.set_adopted_from(AnyInitiative());
    return i;
  }
  // One random write; failures (an initiative that is not there, a reference refused) change
  // nothing and are part of the workload too.
  void RandomWrite() {
    const std::string name = AnyInitiative();
    switch (random_() % 10) {
      case 0:
      case 1:
        (void)h_.Create(Caller::Admin(), InitiativeKind(), RandomInitiative(),
                        name.substr(name.find('/') + 1));
        break;
      case 2: {
        v1::Initiative patch = RandomInitiative();
        patch.set_name(name);
        google::protobuf::FieldMask mask;
        for (const char* path : {"lead_collaborative", "participant_collaboratives", "workstream",
                                 "adopted_from", "status", "measures", "title"}) {
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
      case 6:
      case 7:
        AddPoints(name);
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
    auto requests =
        workflows_.ListJoinRequests(Caller::Admin(), initiative, v1::DIRECTION_UNSPECIFIED, 10, "");
    std::string pending;
    if (requests.ok()) {
      for (const auto& r : requests->resources) {
        if (static_cast<const v1::JoinRequest&>(*r).state() == v1::JOIN_PENDING) {
          pending = GetName(*r);
        }
      }
    }
    if (!pending.empty() && random_() % 2 == 0) {
      auto lead = h_.Get<v1::Initiative>(Caller::Admin(), InitiativeKind(), initiative);
      if (!lead.ok()) return;
      const std::string id =
          lead->lead_collaborative().substr(lead->lead_collaborative().find('/') + 1);
      (void)testing::Written<v1::JoinRequest>([&](RecordCallback done) {
        workflows_.DecideJoinRequest(
            testing::LeadOf(id),
            random_() % 3 == 0 ? JoinDecision::kDecline : JoinDecision::kApprove, pending,
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

  // A few months of points at a random site of one of `initiative`'s measures, rising or
  // falling, so that some sites improve and some initiatives stop reporting.
  void AddPoints(const std::string& initiative) {
    v1::BatchUpsertMeasurementsRequest request;
    request.set_parent(initiative);
    request.set_reporting_collaborative(AnyCollaborative());
    const std::string measure = random_() % 3 == 0 ? "audits" : "falls";
    const std::string site = absl::StrCat("site-", random_() % 4);
    const int year = 2025 + static_cast<int>(random_() % 2);
    const double step = random_() % 2 == 0 ? -1 : 1;
    for (int month = 1; month <= 12; ++month) {
      v1::Measurement* m = request.add_measurements();
      m->set_measure(measure);
      m->set_site(site);
      m->mutable_point()->mutable_period()->set_year(year);
      m->mutable_point()->mutable_period()->set_month(month);
      m->mutable_point()->mutable_period()->set_day(1);
      m->mutable_point()->set_value(50 + step * month * (month > 4 ? 3 : 0.1));
    }
    (void)testing::Written<v1::BatchUpsertMeasurementsResponse>([&](RecordCallback done) {
      measurements_.BatchUpsert(Caller::Admin(), request, std::move(done));
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
  void ExpectTotalsEqualARecount(const ReportFollower& reporter) {
    auto served = reporter.Network(Caller::Admin(), "");
    ASSERT_TRUE(served.ok()) << served.status();
    auto recounted = RecountNetworkReport(h_.registry(), Caller::Admin(), "");
    ASSERT_TRUE(recounted.ok()) << recounted.status();
    EXPECT_EQ(served->sequence(), recounted->sequence());
    // The largest value each national figure reached, to show what the workload exercised.
    const auto* reflection = served->figures().GetReflection();
    const auto* type = served->figures().GetDescriptor();
    for (int f = 0; f < type->field_count(); ++f) {
      if (type->field(f)->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_INT64) continue;
      int64_t& peak = peaks_[type->field(f)->name()];
      peak = std::max(peak, reflection->GetInt64(served->figures(), type->field(f)));
    }
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*served, *recounted))
        << "served:\n"
        << served->DebugString() << "recounted:\n"
        << recounted->DebugString();
    // The spread report, as of two dates (one that makes 2025's data stale).
    for (int year : {2026, 2027}) {
      v1::GetSpreadReportRequest request;
      request.mutable_as_of()->set_year(year);
      request.mutable_as_of()->set_month(3);
      request.mutable_as_of()->set_day(1);
      auto spread = reporter.Spread(Caller::Admin(), request);
      auto spread_recounted = RecountSpreadReport(h_.registry(), Caller::Admin(), request);
      ASSERT_TRUE(spread.ok() && spread_recounted.ok()) << spread.status();
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*spread, *spread_recounted))
          << "served:\n"
          << spread->DebugString() << "recounted:\n"
          << spread_recounted->DebugString();
      spread_candidates_ = std::max(spread_candidates_, spread->candidates_size());
      without_recent_data_ = std::max(without_recent_data_, spread->without_recent_data_size());
    }
    for (const std::string& c : kCollaboratives) {
      auto one = reporter.Network(Caller::Admin(), "collaboratives/" + c);
      auto counted = RecountNetworkReport(h_.registry(), Caller::Admin(), "collaboratives/" + c);
      ASSERT_TRUE(one.ok() && counted.ok());
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*one, *counted)) << c;
    }
  }

  testing::RegistryHarness h_;
  Workflows workflows_{&h_.store(), &h_.registry()};
  Measurements measurements_{&h_.store(), &h_.registry()};
  std::map<std::string, int64_t> peaks_;  // national figure -> the largest value it reached
  int spread_candidates_ = 0;
  int without_recent_data_ = 0;
  StoreChangeFeed feed_{&h_.store()};
  std::mt19937 random_{20261207};
};

TEST_F(ReportFollowerTest, TheTotalsEqualARecountAfterARandomWorkload) {
  for (const std::string& c : kCollaboratives) h_.AddCollaborative(c);
  AddExperts();
  ReportFollower reporter(&h_.registry(), &feed_);
  for (int round = 0; round < 120; ++round) {
    for (int i = 0; i < 5; ++i) RandomWrite();
    reporter.OnCommit(h_.store().last_sequence());
    ExpectTotalsEqualARecount(reporter);
  }
  // The workload reached what it means to test: every figure was above 0 at some point.
  for (const char* figure :
       {"initiatives", "adopted_from_another_psc", "multi_psc_initiatives",
        "complete_measurement_plans", "case_studies_published", "join_requests_approved",
        "expert_days_given", "expert_days_delivered_given"}) {
    EXPECT_GT(peaks_[figure], 0) << figure;
  }
  EXPECT_GT(spread_candidates_, 0);
  EXPECT_GT(without_recent_data_, 0);
}

// Started over a registry that already holds records, the reporter counts them first.
TEST_F(ReportFollowerTest, AReporterStartedLateCountsWhatIsThere) {
  for (const std::string& c : kCollaboratives) h_.AddCollaborative(c);
  AddExperts();
  for (int i = 0; i < 200; ++i) RandomWrite();
  ReportFollower reporter(&h_.registry(), &feed_);
  ExpectTotalsEqualARecount(reporter);
  EXPECT_EQ(reporter.sequence(), h_.store().last_sequence());
}

// One initiative improving at two sites, followed through the changes that move a spread
// candidate without touching its data: a new lead, the improvement direction turned round
// (no longer improving), and the initiative deleted.
TEST_F(ReportFollowerTest, ASpreadCandidateFollowsItsInitiative) {
  for (const std::string& c : kCollaboratives) h_.AddCollaborative(c);
  v1::Initiative initiative = testing::MakeInitiative("collaboratives/wessex");
  initiative.set_status(v1::ACTIVE);
  initiative.mutable_measures(0)->set_id("falls");
  initiative.mutable_measures(0)->set_improvement_direction(v1::LOWER_IS_BETTER);
  ASSERT_TRUE(h_.Create(Caller::Admin(), InitiativeKind(), initiative, "falls").ok());
  ReportFollower reporter(&h_.registry(), &feed_);
  v1::BatchUpsertMeasurementsRequest points;
  points.set_parent("initiatives/falls");
  points.set_reporting_collaborative("collaboratives/wessex");
  for (const char* site : {"north", "south"}) {
    for (int month = 1; month <= 12; ++month) {
      v1::Measurement* m = points.add_measurements();
      m->set_measure("falls");
      m->set_site(site);
      m->mutable_point()->mutable_period()->set_year(2026);
      m->mutable_point()->mutable_period()->set_month(month);
      m->mutable_point()->mutable_period()->set_day(1);
      m->mutable_point()->set_value(month <= 4 ? 50 + month % 2 : 30 - month % 2);
    }
  }
  ASSERT_TRUE(testing::Written<v1::BatchUpsertMeasurementsResponse>([&](RecordCallback done) {
                measurements_.BatchUpsert(Caller::Admin(), points, std::move(done));
              }).ok());
  v1::GetSpreadReportRequest request;
  request.mutable_as_of()->set_year(2027);
  request.mutable_as_of()->set_month(1);
  request.mutable_as_of()->set_day(1);
  auto candidates = [&]() -> std::vector<std::string> {
    reporter.OnCommit(h_.store().last_sequence());
    auto served = reporter.Spread(Caller::Admin(), request);
    auto recounted = RecountSpreadReport(h_.registry(), Caller::Admin(), request);
    EXPECT_TRUE(served.ok() && recounted.ok());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*served, *recounted))
        << served->DebugString() << recounted->DebugString();
    std::vector<std::string> out;
    for (const auto& c : served->candidates()) {
      out.push_back(c.initiative() + " " + c.lead_collaborative());
    }
    return out;
  };
  EXPECT_EQ(candidates(), std::vector<std::string>{"initiatives/falls collaboratives/wessex"});

  auto update = [&](v1::Initiative patch, const char* path) {
    patch.set_name("initiatives/falls");
    google::protobuf::FieldMask mask;
    mask.add_paths(path);
    auto updated = testing::Written<v1::Initiative>([&](RecordCallback done) {
      h_.registry().Update(Caller::Admin(), InitiativeKind(),
                           std::make_unique<v1::Initiative>(patch), mask, "", std::move(done));
    });
    ASSERT_TRUE(updated.ok()) << updated.status();
  };
  v1::Initiative moved;
  moved.set_lead_collaborative("collaboratives/oxford");
  update(moved, "lead_collaborative");
  EXPECT_EQ(candidates(), std::vector<std::string>{"initiatives/falls collaboratives/oxford"});
  v1::Initiative turned = initiative;
  turned.mutable_measures(0)->set_improvement_direction(v1::HIGHER_IS_BETTER);
  update(turned, "measures");
  EXPECT_TRUE(candidates().empty());
  ASSERT_TRUE(h_.Delete(Caller::Admin(), InitiativeKind(), "initiatives/falls").ok());
  EXPECT_TRUE(candidates().empty());
}

// A report includes every write committed before it was asked: while the follower has not
// applied one (it was not told of the commit), the report waits, then says it is catching up
// with a retry delay rather than leaving the write out; once told, it counts it.
TEST_F(ReportFollowerTest, AReportWaitsForTheLastCommitOrSaysItIsCatchingUp) {
  h_.AddCollaborative("wessex");
  ReportFollower reporter(&h_.registry(), &feed_);
  auto before = reporter.Network(Caller::Admin(), "");
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->figures().initiatives(), 0);
  ASSERT_TRUE(h_.Create(Caller::Admin(), InitiativeKind(),
                        testing::MakeInitiative("collaboratives/wessex"), "huddles")
                  .ok());
  auto behind = reporter.Network(Caller::Admin(), "", absl::Milliseconds(50));
  EXPECT_EQ(behind.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(behind.status()), "REPORT_CATCHING_UP");
  EXPECT_EQ(reporter.Spread(Caller::Admin(), {}, absl::Milliseconds(50)).status().code(),
            absl::StatusCode::kUnavailable);
  reporter.OnCommit(h_.store().last_sequence());
  auto after = reporter.Network(Caller::Admin(), "");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->figures().initiatives(), 1);
  EXPECT_EQ(after->sequence(), h_.store().last_sequence());
}

TEST_F(ReportFollowerTest, TheReportRefusesWhomTheRecountRefuses) {
  h_.AddCollaborative("wessex");
  ReportFollower reporter(&h_.registry(), &feed_);
  const Caller atlas{"spiffe://test/atlas", v1::ATLAS, ""};
  EXPECT_EQ(reporter.Network(atlas, "").status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(reporter.Network(Caller::Admin(), "collaboratives/nowhere").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace psc::registry
