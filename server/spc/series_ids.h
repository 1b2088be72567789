#pragma once
// Ids of measures, sites and series. A series `initiatives/{i}/series/{measure}--{site}` is
// named by both ids joined with "--", which neither may contain, so the name is a valid
// resource id (at most 30 + 2 + 30 characters) that splits back without ambiguity.

#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace psc::spc {

inline constexpr size_t kMaxIdLength = 30;

// 1..30 of [a-z0-9-], starting with a letter, not ending with '-', without "--".
bool IsValidMeasureId(absl::string_view id);
// As a measure id, but it may start with a digit (ODS codes such as "0de").
bool IsValidSiteId(absl::string_view id);

// "{measure}--{site}".
std::string SeriesId(absl::string_view measure, absl::string_view site);
// "initiatives/{i}/series/{measure}--{site}".
std::string SeriesName(absl::string_view initiative, absl::string_view measure,
                       absl::string_view site);
// "initiatives/{i}/measures/{measure}": the value series are indexed under as `measure`.
std::string MeasurePath(absl::string_view initiative, absl::string_view measure);

// The (measure, site) of a series id; false when it is not one.
bool SplitSeriesId(absl::string_view series_id, std::pair<std::string, std::string>* out);

}  // namespace psc::spc
