#pragma once
// An expert's capacity: the days a month they offer, less the days committed to accepted (and
// completed) sharing requests in that month.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "psc/registry/v1/expert.pb.h"
#include "psc/registry/v1/workflow.pb.h"

namespace psc::registry {

class Registry;

// Months as consecutive integers: year * 12 + (month - 1).
int MonthIndex(int year, int month);
int MonthIndexOf(absl::Time time);       // in UTC
std::string MonthText(int month_index);  // "2026-11"

// The months a request covers.
std::vector<int> MonthsOf(const v1::SharingRequest& request);

// Whether a request's days count against the expert's capacity (accepted or completed).
bool Commits(const v1::SharingRequest& request);

// Days a month committed in `month_index` by the committing requests among `requests`.
int CommittedDays(const std::vector<v1::SharingRequest>& requests, int month_index);

// OK when accepting `request` keeps every month of its period within `expert`'s offer, given
// the other `requests` of the expert; else FAILED_PRECONDITION, reason OVERBOOKED, naming the
// first month that would overflow.
absl::Status CheckCapacity(const v1::Expert& expert,
                           const std::vector<v1::SharingRequest>& requests,
                           const v1::SharingRequest& request);

// The expert's free days in the month of `now`: offered less committed (never below 0).
absl::StatusOr<int> FreeDaysNow(const Registry& registry, const v1::Expert& expert, absl::Time now);

}  // namespace psc::registry
