#pragma once
// A case study's impact metric linked to a measure series (case_study.proto, ImpactMetric):
// its before and after from the SPC means either side of the series' latest rebase.

#include <string>

#include "absl/status/status.h"
#include "psc/registry/v1/case_study.pb.h"
#include "server/registry/kinds/record_kind.h"

namespace psc::registry {

// Whether `name` is a series of `initiative` (`{initiative}/series/{measure}--{site}`).
bool IsSeriesOf(const std::string& name, const std::string& initiative);

// Sets `metric`'s before, after, unit and evidence from its evidence_series, read through
// `load`. FAILED_PRECONDITION with a violation at `path`: REFERENCE_NOT_FOUND when the series
// (or its measure) does not exist, NO_REBASE when the series has no rebase to compare across.
absl::Status DeriveEvidence(const StoredRecordLoader& load, const std::string& path,
                            v1::ImpactMetric* metric);

}  // namespace psc::registry
