#include "server/registry/workflows/sharing_capacity.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/common/errors.h"
#include "server/registry/records/list_all.h"

namespace psc::registry {

int MonthIndex(int year, int month) { return year * 12 + (month - 1); }

int MonthIndexOf(absl::Time time) {
  absl::CivilMonth month = absl::ToCivilMonth(time, absl::UTCTimeZone());
  return MonthIndex(static_cast<int>(month.year()), month.month());
}

std::string MonthText(int month_index) {
  return absl::StrFormat("%04d-%02d", month_index / 12, month_index % 12 + 1);
}

std::vector<int> MonthsOf(const v1::SharingRequest& request) {
  std::vector<int> months;
  const int first = MonthIndex(request.start_month().year(), request.start_month().month());
  for (int i = 0; i < request.months(); ++i) months.push_back(first + i);
  return months;
}

bool Commits(const v1::SharingRequest& request) {
  return request.state() == v1::SHARING_ACCEPTED || request.state() == v1::SHARING_COMPLETED;
}

int CommittedDays(const std::vector<v1::SharingRequest>& requests, int month_index) {
  int days = 0;
  for (const v1::SharingRequest& r : requests) {
    if (!Commits(r)) continue;
    const std::vector<int> months = MonthsOf(r);
    if (std::find(months.begin(), months.end(), month_index) != months.end()) {
      days += r.days_per_month();
    }
  }
  return days;
}

absl::Status CheckCapacity(const v1::Expert& expert,
                           const std::vector<v1::SharingRequest>& requests,
                           const v1::SharingRequest& request) {
  std::vector<v1::SharingRequest> others;
  for (const v1::SharingRequest& r : requests) {
    if (r.name() != request.name()) others.push_back(r);
  }
  for (int month : MonthsOf(request)) {
    const int committed = CommittedDays(others, month);
    if (committed + request.days_per_month() > expert.days_per_month_offered()) {
      return Error(
          absl::StatusCode::kFailedPrecondition, "OVERBOOKED",
          absl::StrCat(expert.name(), " offers ", expert.days_per_month_offered(),
                       " days a month and has ", committed, " committed in ", MonthText(month),
                       ": ", request.days_per_month(), " more would overbook them"),
          {},
          {{"month", MonthText(month)},
           {"free_days", absl::StrCat(std::max(0, expert.days_per_month_offered() - committed))}});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int> FreeDaysNow(const Registry& registry, const v1::Expert& expert,
                                absl::Time now) {
  auto requests = ListAllAs<v1::SharingRequest>(registry, SharingRequestKind(),
                                                absl::StrCat("expert = \"", expert.name(), "\""));
  if (!requests.ok()) return requests.status();
  return std::max(0, expert.days_per_month_offered() - CommittedDays(*requests, MonthIndexOf(now)));
}

}  // namespace psc::registry
