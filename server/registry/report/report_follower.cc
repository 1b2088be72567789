#include "server/registry/report/report_follower.h"

#include "absl/strings/str_cat.h"
#include "psc/registry/v1/case_study.pb.h"
#include "psc/registry/v1/collaborative.pb.h"
#include "psc/registry/v1/initiative.pb.h"
#include "psc/registry/v1/measure.pb.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/registry/access/access_policy.h"
#include "server/registry/kinds/kind_table.h"
#include "server/registry/records/list_all.h"

namespace psc::registry {
namespace {

constexpr int kBatch = 1000;

// Every record of `kind` in `view`, each put into `totals` and `spread`.
template <typename M>
absl::Status PutAll(const Registry& registry, const RecordKind& kind,
                    const std::shared_ptr<const storage::ReadView>& view, ReportTotals& totals,
                    SpreadState& spread) {
  PSC_ASSIGN_OR_RETURN(std::vector<M> records, ListAllAs<M>(registry, kind, "", nullptr, view));
  for (const M& record : records) {
    totals.Put(record.name(), &record);
    spread.Put(record.name(), &record);
  }
  return absl::OkStatus();
}

// The record a change leaves (nullptr for a deletion, or a change without one).
const google::protobuf::Message* After(const v1::ChangeEvent& event) {
  if (event.change_type() == v1::DELETED) return nullptr;
  const auto* oneof = event.GetDescriptor()->FindOneofByName("after");
  const auto* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  return field == nullptr ? nullptr : &event.GetReflection()->GetMessage(event, field);
}

}  // namespace

ReportFollower::ReportFollower(const Registry* registry, const ChangeFeed* feed)
    : registry_(registry),
      feed_(feed),
      follower_({.what = "report totals",
                 .position = [this] { return sequence(); },
                 .first = [this] { return Recount(); },
                 .next =
                     [this] {
                       bool counted = false;
                       {
                         MutexLock lock(&mu_);
                         counted = counted_;
                       }
                       if (!counted) return Recount();  // the first count failed
                       absl::Status caught_up = CatchUp();
                       // The log was trimmed past the totals (they fell far behind): count again.
                       return ErrorReason(caught_up) == "CURSOR_EXPIRED" ? Recount() : caught_up;
                     }},
                feed->last_sequence()) {}

uint64_t ReportFollower::sequence() const {
  MutexLock lock(&mu_);
  return applied_;
}

absl::Status ReportFollower::Recount() {
  const absl::Time start = absl::Now();
  const std::shared_ptr<const storage::ReadView> view = registry_->Snapshot();
  ReportTotals totals;
  SpreadState spread;
  PSC_RETURN_IF_ERROR(
      PutAll<v1::Collaborative>(*registry_, CollaborativeKind(), view, totals, spread));
  PSC_RETURN_IF_ERROR(PutAll<v1::Initiative>(*registry_, InitiativeKind(), view, totals, spread));
  PSC_RETURN_IF_ERROR(PutAll<v1::CaseStudy>(*registry_, CaseStudyKind(), view, totals, spread));
  PSC_RETURN_IF_ERROR(PutAll<v1::JoinRequest>(*registry_, JoinRequestKind(), view, totals, spread));
  PSC_RETURN_IF_ERROR(
      PutAll<v1::SharingRequest>(*registry_, SharingRequestKind(), view, totals, spread));
  PSC_RETURN_IF_ERROR(
      PutAll<v1::MeasureSeries>(*registry_, MeasureSeriesKind(), view, totals, spread));
  const absl::Duration took = absl::Now() - start;
  if (took > absl::Seconds(1)) {
    LogInfo(absl::StrCat("report totals: counted the records at sequence ", view->sequence(),
                         " in ", absl::FormatDuration(took)));
  }
  MutexLock lock(&mu_);
  totals_ = std::move(totals);
  spread_ = std::move(spread);
  applied_ = view->sequence();
  counted_ = true;
  changed_.SignalAll();
  return absl::OkStatus();
}

absl::Status ReportFollower::CatchUp() {
  while (true) {
    uint64_t applied = 0;
    {
      MutexLock lock(&mu_);
      applied = applied_;  // only this thread moves it
    }
    PSC_ASSIGN_OR_RETURN(FeedPage page, feed_->Read(Caller::Admin(), applied, {}, kBatch));
    if (page.scanned_to == applied) return absl::OkStatus();
    MutexLock lock(&mu_);
    for (const v1::ChangeEvent& event : page.events) {
      totals_.Put(event.resource_name(), After(event));
      spread_.Put(event.resource_name(), After(event));
    }
    applied_ = page.scanned_to;
    changed_.SignalAll();
  }
}

absl::StatusOr<v1::NetworkReport> ReportFollower::Network(const Caller& caller,
                                                          const std::string& collaborative,
                                                          absl::Duration wait) const {
  PSC_RETURN_IF_ERROR(CheckOperation(caller, InitiativeKind(), Operation::kRead));
  if (!collaborative.empty()) {
    // NOT_FOUND or INVALID_ARGUMENT for a collaborative that is not one.
    PSC_RETURN_IF_ERROR(registry_->Get(caller, CollaborativeKind(), collaborative).status());
  }
  MutexLock lock(&mu_);
  PSC_RETURN_IF_ERROR(AwaitCurrent(wait));
  v1::NetworkReport report;
  report.set_sequence(applied_);
  *report.mutable_figures() = totals_.Figures(collaborative.empty() ? "national" : collaborative);
  if (collaborative.empty()) {
    for (const std::string& each : totals_.collaboratives()) {
      *report.add_by_collaborative() = totals_.Figures(each);
    }
  }
  return report;
}

absl::StatusOr<v1::SpreadReport> ReportFollower::Spread(const Caller& caller,
                                                        const v1::GetSpreadReportRequest& request,
                                                        absl::Duration wait) const {
  PSC_ASSIGN_OR_RETURN(auto checked, CheckSpreadRequest(caller, request));
  MutexLock lock(&mu_);
  PSC_RETURN_IF_ERROR(AwaitCurrent(wait));
  v1::SpreadReport report = spread_.Report(checked.first, checked.second);
  report.set_sequence(applied_);
  return report;
}

absl::Status ReportFollower::AwaitCurrent(absl::Duration wait) const {
  // Every write acknowledged before the call is in the report.
  const uint64_t target = feed_->last_sequence();
  const absl::Time deadline = absl::Now() + wait;
  while (!counted_ || applied_ < target) {
    changed_.WaitWithDeadline(&mu_, deadline);
    if (absl::Now() >= deadline && (!counted_ || applied_ < target)) {
      return RetryLater(absl::StatusCode::kUnavailable, "REPORT_CATCHING_UP",
                        "the report's figures are still being counted; try again shortly",
                        absl::Seconds(1));
    }
  }
  return absl::OkStatus();
}

}  // namespace psc::registry
