#include "server/registry/measures/measurements.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "psc/registry/v1/display_name.h"
#include "psc/registry/v1/initiative.pb.h"
#include "server/common/errors.h"
#include "server/common/status_macros.h"
#include "server/common/utf8.h"
#include "server/registry/fields/names.h"
#include "server/registry/fields/validator.h"
#include "server/registry/kinds/measure_points.h"
#include "server/registry/measures/batch_merge.h"
#include "server/registry/records/record_writer.h"
#include "server/registry/workflows/workflow_steps.h"
#include "server/spc/chart_builder.h"
#include "server/spc/points.h"
#include "server/spc/series_ids.h"

namespace psc::registry {
namespace {

using measures::SeriesBatch;
using storage::WriteTxn;

constexpr int kMaxSeriesPerPage = 10;
// AIP-159: the parent of every initiative's series.
constexpr absl::string_view kEveryInitiative = "initiatives/-";

absl::Status Denied(absl::string_view reason, std::string message) {
  return Error(absl::StatusCode::kPermissionDenied, reason, std::move(message));
}

// Whether the caller may write data at all (before anything is looked up).
absl::Status CheckWriterRole(const Caller& caller) {
  if (caller.role == v1::ADMIN || caller.role == v1::LEAD || caller.role == v1::MEMBER) {
    return absl::OkStatus();
  }
  return Denied("ROLE_NOT_ALLOWED",
                absl::StrCat("only leads and members of an initiative's collaboratives (or an "
                             "admin) may record its measure data; the caller is ",
                             v1::DisplayName(caller.role)));
}

// The collaborative the caller writes for: its own, or for an admin the one named (default:
// the initiative's lead). It must take part in the initiative.
absl::StatusOr<std::string> WritingCollaborative(const Caller& caller,
                                                 const v1::Initiative& initiative,
                                                 const std::string& requested) {
  if (caller.role != v1::ADMIN) {
    if (!requested.empty() && requested != caller.collaborative) {
      return Denied("NOT_OWNER",
                    absl::StrCat("a ", v1::DisplayName(caller.role), " of ", caller.collaborative,
                                 " cannot report for ", requested));
    }
    if (!TakesPart(initiative, caller.collaborative)) {
      return Denied("NOT_OWNER", absl::StrCat(caller.collaborative, " does not take part in ",
                                              initiative.name()));
    }
    return caller.collaborative;
  }
  const std::string collaborative = requested.empty() ? initiative.lead_collaborative() : requested;
  if (!TakesPart(initiative, collaborative)) {
    return FieldError("reporting_collaborative",
                      absl::StrCat(collaborative, " does not take part in ", initiative.name()));
  }
  return collaborative;
}

// A series may be written by its reporting collaborative and by the initiative's lead.
absl::Status CheckSeriesWriter(const Caller& caller, const std::string& writer,
                               const v1::Initiative& initiative, const v1::MeasureSeries& stored) {
  if (caller.role == v1::ADMIN || writer == initiative.lead_collaborative() ||
      writer == stored.reporting_collaborative()) {
    return absl::OkStatus();
  }
  return Denied("NOT_OWNER", absl::StrCat(stored.name(), " is reported by ",
                                          stored.reporting_collaborative(), ", not ", writer));
}

// A new series of a measure must leave it within kMaxSitesPerMeasure sites. The count sees the
// series this batch wrote before it (a transaction reads its own writes).
absl::Status CheckSiteRoom(WriteTxn& txn, const v1::BatchUpsertMeasurementsRequest& request,
                           const SeriesBatch& batch) {
  PSC_ASSIGN_OR_RETURN(int stored, CountIndexed(txn, MeasureSeriesKind(), "measure",
                                                spc::MeasurePath(request.parent(), batch.measure)));
  if (stored < kMaxSitesPerMeasure) return absl::OkStatus();
  return ValidationError(
      {{Indexed("measurements", batch.indices.front()) + ".site",
        absl::StrCat("measure ", batch.measure, " has data from ", stored,
                     " sites already; a measure holds at most ", kMaxSitesPerMeasure)}});
}

// Every series of `filter` under one snapshot (a chart's series: at most kMaxSitesPerMeasure).
absl::StatusOr<std::vector<v1::MeasureSeries>> ListAllSeries(const Registry& registry,
                                                             const Caller& caller,
                                                             std::string filter,
                                                             uint64_t* sequence) {
  ListParams params;
  params.filter = std::move(filter);
  params.page_size = kMaxSitesPerMeasure;
  params.view = registry.Snapshot();
  std::vector<v1::MeasureSeries> out;
  do {
    PSC_ASSIGN_OR_RETURN(ListPage page, registry.List(caller, MeasureSeriesKind(), params));
    for (const RecordPtr& r : page.resources) {
      out.push_back(static_cast<const v1::MeasureSeries&>(*r));
    }
    *sequence = page.sequence;
    params.page_token = page.next_page_token;
  } while (!params.page_token.empty());
  return out;
}

std::string SeriesFilter(const std::string& initiative, const std::string& measure,
                         const std::string& site) {
  std::string filter =
      measure.empty() ? absl::StrCat("initiative = \"", initiative, "\"")
                      : absl::StrCat("measure = \"", spc::MeasurePath(initiative, measure), "\"");
  if (!site.empty()) absl::StrAppend(&filter, " AND site = \"", site, "\"");
  return filter;
}

}  // namespace

void Measurements::BatchUpsert(const Caller& caller, v1::BatchUpsertMeasurementsRequest request,
                               RecordCallback done) {
  if (absl::Status role = CheckWriterRole(caller); !role.ok()) return std::move(done)(role);
  if (auto id = InitiativeKind().IdOfName(request.parent(), "parent"); !id.ok()) {
    return std::move(done)(id.status());
  }
  if (auto violations = measures::CheckBatch(request); !violations.empty()) {
    return std::move(done)(ValidationError(violations));
  }
  auto result = std::make_shared<RecordPtr>();
  auto shared_request =
      std::make_shared<const v1::BatchUpsertMeasurementsRequest>(std::move(request));
  storage::Mutation mutation = [caller, shared_request, result](WriteTxn& txn) -> absl::Status {
    const v1::BatchUpsertMeasurementsRequest& request = *shared_request;
    PSC_ASSIGN_OR_RETURN(auto initiative,
                         LoadNamed<v1::Initiative>(txn, InitiativeKind(), request.parent()));
    PSC_ASSIGN_OR_RETURN(
        std::string writer,
        WritingCollaborative(caller, *initiative, request.reporting_collaborative()));
    if (auto violations = measures::CheckMeasures(request, *initiative); !violations.empty()) {
      return ValidationError(violations);
    }
    auto response = std::make_unique<v1::BatchUpsertMeasurementsResponse>();
    measures::MergeCounts counts;
    const absl::Time now = absl::Now();
    for (const SeriesBatch& batch : measures::GroupBySeries(request)) {
      const std::string name = spc::SeriesName(request.parent(), batch.measure, batch.site);
      PSC_ASSIGN_OR_RETURN(std::string id, MeasureSeriesKind().IdOfName(name, "name"));
      PSC_ASSIGN_OR_RETURN(RecordPtr loaded, LoadForWrite(txn, MeasureSeriesKind(), id));
      const auto* stored = static_cast<const v1::MeasureSeries*>(loaded.get());
      if (stored != nullptr) {
        PSC_RETURN_IF_ERROR(CheckSeriesWriter(caller, writer, *initiative, *stored));
      } else {
        PSC_RETURN_IF_ERROR(CheckSiteRoom(txn, request, batch));
      }
      PSC_ASSIGN_OR_RETURN(measures::Merged merged,
                           measures::MergeSeries(request, batch, stored, &counts));
      response->add_series(name);
      if (!merged.changed) continue;
      merged.series.set_name(name);
      if (stored == nullptr) merged.series.set_reporting_collaborative(writer);
      MeasureSeriesKind().Derive(&merged.series);
      StampAndWrite(txn, MeasureSeriesKind(), stored, &merged.series, caller, now);
    }
    response->set_added(counts.added);
    response->set_replaced(counts.replaced);
    response->set_unchanged(counts.unchanged);
    *result = std::move(response);
    return absl::OkStatus();
  };
  store_->Commit(std::move(mutation), Deliver(result, std::move(done)));
}

absl::StatusOr<v1::ListMeasurementsResponse> Measurements::List(
    const Caller& caller, const v1::ListMeasurementsRequest& request) const {
  // Each series' initiative, for its measures' rate multipliers (one page: at most 10).
  absl::flat_hash_map<std::string, RecordPtr> initiatives;
  auto initiative_of = [&](const std::string& name) -> absl::StatusOr<const v1::Initiative*> {
    RecordPtr& slot = initiatives[name];
    if (slot == nullptr) {
      PSC_ASSIGN_OR_RETURN(slot, registry_->Get(caller, InitiativeKind(), name));
    }
    return static_cast<const v1::Initiative*>(slot.get());
  };
  const bool every_initiative = request.parent() == kEveryInitiative;
  if (!every_initiative) PSC_RETURN_IF_ERROR(initiative_of(request.parent()).status());
  std::vector<FieldViolation> violations;
  Validator v(&violations);
  if (!request.measure().empty() && !spc::IsValidMeasureId(request.measure())) {
    v.Fail("measure", "is not a measure id");
  }
  if (!request.site().empty() && !spc::IsValidSiteId(request.site())) {
    v.Fail("site", "is not a site id");
  }
  v.Date("from_period", request.has_from_period() ? &request.from_period() : nullptr);
  v.Date("to_period", request.has_to_period() ? &request.to_period() : nullptr);
  if (!violations.empty()) return ValidationError(violations);
  ListParams params;
  params.page_size = std::min(request.page_size(), kMaxSeriesPerPage);
  if (params.page_size == 0) params.page_size = kMaxSeriesPerPage;
  params.page_token = request.page_token();
  if (every_initiative) {
    if (!request.measure().empty()) return FieldError("measure", "needs one initiative");
    if (!request.site().empty()) params.filter = absl::StrCat("site = \"", request.site(), "\"");
  } else {
    params.filter = SeriesFilter(request.parent(), request.measure(), request.site());
  }
  PSC_ASSIGN_OR_RETURN(ListPage page, registry_->List(caller, MeasureSeriesKind(), params));
  const int from = request.has_from_period() ? spc::PeriodKey(request.from_period()) : 0;
  const int to = request.has_to_period() ? spc::PeriodKey(request.to_period()) : 99999999;
  v1::ListMeasurementsResponse response;
  for (RecordPtr& r : page.resources) {
    v1::MeasureSeries* series = response.add_series();
    series->Swap(static_cast<v1::MeasureSeries*>(r.get()));
    auto initiative = initiative_of(ParentName(series->name()));
    if (!initiative.ok()) return initiative.status();
    const v1::Measure* measure = spc::FindMeasure(**initiative, series->measure());
    auto* points = series->mutable_points();
    points->erase(std::remove_if(points->begin(), points->end(),
                                 [&](const v1::MeasurePoint& p) {
                                   const int key = spc::PeriodKey(p.period());
                                   return key < from || key > to;
                                 }),
                  points->end());
    for (v1::MeasurePoint& p : *points) {
      p.set_chart_value(spc::ChartValue(p, measure ? *measure : v1::Measure()));
    }
  }
  response.set_next_page_token(page.next_page_token);
  response.set_sequence(page.sequence);
  return response;
}

absl::StatusOr<v1::MeasureChart> Measurements::Chart(
    const Caller& caller, const v1::GetMeasureChartRequest& request) const {
  PSC_ASSIGN_OR_RETURN(RecordPtr loaded,
                       registry_->Get(caller, InitiativeKind(), request.parent()));
  const auto& initiative = static_cast<const v1::Initiative&>(*loaded);
  if (!request.site().empty() && !spc::IsValidSiteId(request.site())) {
    return FieldError("site", "is not a site id");
  }
  const v1::Measure* measure = spc::FindMeasure(initiative, request.measure());
  if (measure == nullptr) {
    if (request.measure().empty()) return FieldError("measure", "is required");
    return Error(absl::StatusCode::kNotFound, "MEASURE_NOT_FOUND",
                 absl::StrCat(initiative.name(), " has no measure with id \"",
                              CharacterPrefix(request.measure(), 64), "\""));
  }
  uint64_t sequence = 0;
  PSC_ASSIGN_OR_RETURN(
      std::vector<v1::MeasureSeries> series,
      ListAllSeries(*registry_, caller,
                    SeriesFilter(request.parent(), request.measure(), request.site()), &sequence));
  PSC_ASSIGN_OR_RETURN(v1::MeasureChart chart,
                       spc::BuildChart(initiative, *measure, series, request));
  chart.set_sequence(sequence);
  return chart;
}

}  // namespace psc::registry
