// The series kind: one measure's data at one site, `initiatives/{i}/series/{measure}--{site}`
// (measure.proto). Written only through BatchUpsertMeasurements (measures/measurements.h);
// deleted with its initiative.

#include "psc/registry/v1/measure.pb.h"
#include "server/registry/fields/names.h"
#include "server/registry/fields/validator.h"
#include "server/registry/kinds/index_terms.h"
#include "server/registry/kinds/measure_points.h"
#include "server/spc/points.h"
#include "server/spc/series_ids.h"

namespace psc::registry {
namespace {

class MeasureSeriesKindImpl final : public TypedKind<v1::MeasureSeries> {
 public:
  MeasureSeriesKindImpl()
      : TypedKind(KindSpec{
            .collection = "series",
            .singular = "measure_series",
            .parent = "initiatives",
            .change_field = "measure_series",
            .record_field = "measure_series",
            .filters = {NameFilter("initiative", {kParentSource}), ComputedFilter("measure"),
                        NameFilter("site"), NameFilter("reporting_collaborative")},
            .derived_fields = {"measure", "site", "reporting_collaborative"},
            .owner_field = "reporting_collaborative",
            .network_writable = false,
            // A series' data decides whether its initiative shows improvement in search.
            .reindex_parent = true,
            .deleted_with_referents = true,
        }) {}

 protected:
  void ValidateResource(const v1::MeasureSeries& s,
                        std::vector<FieldViolation>* out) const override {
    Validator v(out);
    v.Text("site_name", s.site_name(), kMaxSiteName);
    v.Name("reporting_collaborative", s.reporting_collaborative(), "collaboratives",
           /*required=*/true);
    v.Count("points", s.points_size(), kMaxSeriesPoints);
    for (int k = 0; k < s.points_size(); ++k) {
      const std::string path = Indexed("points", k);
      ValidatePoint(v, path, s.points(k));
      if (k > 0 &&
          spc::PeriodKey(s.points(k).period()) <= spc::PeriodKey(s.points(k - 1).period())) {
        v.Fail(Sub(path, "period"), "must be after the period before it");
      }
    }
  }

  void DeriveFields(v1::MeasureSeries* s) const override {
    std::pair<std::string, std::string> ids;
    const std::string name = s->name();
    if (spc::SplitSeriesId(name.substr(name.rfind('/') + 1), &ids)) {
      s->set_measure(ids.first);
      s->set_site(ids.second);
    }
  }

  // measure: the series' measure as `{initiative}/measures/{id}`.
  std::vector<Term> TermsOf(const v1::MeasureSeries& s) const override {
    std::vector<Term> terms;
    AddTerm(&terms, "measure", spc::MeasurePath(ParentName(s.name()), s.measure()));
    return terms;
  }

  std::vector<Reference> ReferencesOf(const v1::MeasureSeries& s) const override {
    return {{"initiative", ParentName(s.name())}};
  }

  std::string OwnerOf(const v1::MeasureSeries& s) const override {
    return s.reporting_collaborative();
  }
};

}  // namespace

const RecordKind& MeasureSeriesKind() {
  static const auto* kind = new MeasureSeriesKindImpl;
  return *kind;
}

}  // namespace psc::registry
