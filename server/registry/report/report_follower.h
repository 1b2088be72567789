#pragma once
// Serves the national report from running totals (report_totals.h), and the spread report from
// each initiative's spread (spread_state.h), both following the change log:
// counted once from the records at start (or when the log was trimmed past them), then kept
// up to date change by change on a thread of its own. A report waits until the totals reach
// the last committed sequence, so it includes every write acknowledged before it was asked.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "psc/registry/v1/workflow.pb.h"
#include "server/common/caller.h"
#include "server/common/mutex.h"
#include "server/registry/feed/change_feed.h"
#include "server/registry/feed/commit_follower.h"
#include "server/registry/records/registry.h"
#include "server/registry/report/report_totals.h"
#include "server/registry/report/spread_state.h"

namespace psc::registry {

class ReportFollower {
 public:
  // Starts following. Both must outlive the follower.
  ReportFollower(const Registry* registry, const ChangeFeed* feed);

  // Tells the follower that changes up to `last_sequence` are committed. Never blocks; call it
  // from the store's commit listener.
  void OnCommit(uint64_t last_sequence) { follower_.OnCommit(last_sequence); }

  // The report for `collaborative`, or the national one when it is empty, as
  // RecountNetworkReport (network_report.h) describes, at a sequence at least the last committed
  // one when asked. UNAVAILABLE when the totals do not get there within `wait`. Thread-safe.
  absl::StatusOr<v1::NetworkReport> Network(const Caller& caller, const std::string& collaborative,
                                            absl::Duration wait = absl::Seconds(10)) const;

  // The spread report, as RecountSpreadReport (spread_report.h) describes, at a sequence at
  // least the last committed one when asked; UNAVAILABLE as for Network. Thread-safe.
  absl::StatusOr<v1::SpreadReport> Spread(const Caller& caller,
                                          const v1::GetSpreadReportRequest& request,
                                          absl::Duration wait = absl::Seconds(10)) const;

  // The sequence the totals reflect.
  uint64_t sequence() const;

 private:
  // Waits until the totals are counted and reach the last committed sequence (as of the
  // call), or `wait` passes: UNAVAILABLE then.
  absl::Status AwaitCurrent(absl::Duration wait) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Counts every record from one snapshot, replacing the totals.
  absl::Status Recount();
  // Applies every logged change after the totals' sequence.
  absl::Status CatchUp();

  const Registry* registry_;
  const ChangeFeed* feed_;
  mutable Mutex mu_;
  mutable CondVar changed_;  // the totals moved on
  ReportTotals totals_ ABSL_GUARDED_BY(mu_);
  SpreadState spread_ ABSL_GUARDED_BY(mu_);
  uint64_t applied_ ABSL_GUARDED_BY(mu_) = 0;
  bool counted_ ABSL_GUARDED_BY(mu_) = false;
  CommitFollower follower_;  // last: its thread starts once the rest is set
};

}  // namespace psc::registry
