#include "server/spc/series_ids.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace psc::spc {
namespace {

bool IsIdChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

bool IsValidPart(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  if (id.front() == '-' || id.back() == '-' || absl::StrContains(id, "--")) return false;
  for (char c : id) {
    if (!IsIdChar(c)) return false;
  }
  return true;
}

}  // namespace

bool IsValidMeasureId(absl::string_view id) {
  return IsValidPart(id) && id.front() >= 'a' && id.front() <= 'z';
}

bool IsValidSiteId(absl::string_view id) { return IsValidPart(id); }

std::string SeriesId(absl::string_view measure, absl::string_view site) {
  return absl::StrCat(measure, "--", site);
}

std::string SeriesName(absl::string_view initiative, absl::string_view measure,
                       absl::string_view site) {
  return absl::StrCat(initiative, "/series/", SeriesId(measure, site));
}

std::string MeasurePath(absl::string_view initiative, absl::string_view measure) {
  return absl::StrCat(initiative, "/measures/", measure);
}

bool SplitSeriesId(absl::string_view series_id, std::pair<std::string, std::string>* out) {
  const size_t at = series_id.find("--");
  if (at == absl::string_view::npos) return false;
  absl::string_view measure = series_id.substr(0, at);
  absl::string_view site = series_id.substr(at + 2);
  if (!IsValidMeasureId(measure) || !IsValidSiteId(site)) return false;
  *out = {std::string(measure), std::string(site)};
  return true;
}

}  // namespace psc::spc
