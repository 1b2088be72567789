#include "server/discovery/discovery_filters.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/common/errors.h"
#include "server/common/status_macros.h"
#include "server/registry/access/access_policy.h"
#include "server/registry/kinds/expert_kind.h"
#include "server/registry/kinds/kind_table.h"

namespace psc::registry {
namespace {

constexpr int kMaxFilterValues = 50;

// Adds the group {field = value for each value} to `query`, checking enum values.
void AddEnumFilter(absl::string_view path, absl::string_view field,
                   const google::protobuf::RepeatedField<int>& values,
                   const google::protobuf::EnumDescriptor* type, index::Query* query,
                   std::vector<FieldViolation>* violations) {
  if (values.empty()) return;
  std::vector<Term> group;
  for (int i = 0; i < values.size(); ++i) {
    const auto* value = type->FindValueByNumber(values[i]);
    if (value == nullptr || value->number() == 0) {
      violations->push_back({absl::StrCat(path, "[", i, "]"),
                             absl::StrCat("must be a ", type->name(), " other than unspecified")});
      continue;
    }
    group.push_back({std::string(field), value->name()});
  }
  query->all_of.push_back(std::move(group));
}

absl::Status CheckCount(absl::string_view path, int count) {
  if (count <= kMaxFilterValues) return absl::OkStatus();
  return ValidationError(
      {{std::string(path), absl::StrCat("at most ", kMaxFilterValues, " values")}});
}

}  // namespace

std::vector<std::vector<Term>> VisibleTo(const Caller& caller,
                                         const std::vector<const RecordKind*>& kinds) {
  std::vector<std::vector<Term>> groups;
  for (const RecordKind* kind : kinds) {
    const Visibility visibility = Visibility::For(caller, *kind);
    if (!visibility.readable()) continue;
    std::vector<Term> group = {{"kind", std::string(kind->collection())}};
    for (const Term& t : visibility.required()) group.push_back(kind->SearchTerm(t));
    groups.push_back(std::move(group));
  }
  return groups;
}

absl::StatusOr<index::Query> SearchFilters(const Caller& caller, const v1::SearchRequest& request) {
  PSC_RETURN_IF_ERROR(CheckCount("kinds", request.kinds_size()));
  PSC_RETURN_IF_ERROR(CheckCount("collaboratives", request.collaboratives_size()));
  std::vector<FieldViolation> violations;
  std::vector<const RecordKind*> kinds;
  for (int i = 0; i < request.kinds_size(); ++i) {
    const RecordKind* kind = KindForCollection(request.kinds(i));
    if (kind == nullptr || !kind->spec().searchable) {
      violations.push_back({absl::StrCat("kinds[", i, "]"),
                            absl::StrCat("must be one of ", CollectionList(SearchableKinds()))});
    } else {
      PSC_RETURN_IF_ERROR(CheckOperation(caller, *kind, Operation::kRead));
      kinds.push_back(kind);
    }
  }
  index::Query query;
  AddEnumFilter("workstreams", "workstream", request.workstreams(), v1::Workstream_descriptor(),
                &query, &violations);
  AddEnumFilter("statuses", "status", request.statuses(), v1::InitiativeStatus_descriptor(), &query,
                &violations);
  AddEnumFilter("publication_states", "publication_state", request.publication_states(),
                v1::PublicationState_descriptor(), &query, &violations);
  AddEnumFilter("skills", "skill", request.skills(), v1::Skill_descriptor(), &query, &violations);
  AddEnumFilter("regions", "region", request.regions(), v1::Region_descriptor(), &query,
                &violations);
  if (!violations.empty()) return ValidationError(violations);
  if (!request.collaboratives().empty()) {
    std::vector<Term> group;
    for (const std::string& c : request.collaboratives()) group.push_back({"collaborative", c});
    query.all_of.push_back(std::move(group));
  }
  if (request.has_improving()) {
    query.all_of.push_back({{"improving", request.improving() ? "true" : "false"}});
  }
  if (request.has_shareable()) {
    query.all_of.push_back({{"shareable", request.shareable() ? "true" : "false"}});
  }
  query.visible_if = VisibleTo(caller, kinds.empty() ? SearchableKinds() : kinds);
  if (query.visible_if.empty()) {
    return Error(absl::StatusCode::kPermissionDenied, "ROLE_NOT_ALLOWED",
                 "this role may not read anything");
  }
  // The index holds searchable kinds only, so a caller who may read every record of each of
  // them needs no visibility filter: one that names every kind costs a search a pass over the
  // kind terms of the whole registry (half of a one-word search's time at 100,000 records).
  const bool reads_everything =
      query.visible_if.size() == SearchableKinds().size() &&
      std::all_of(query.visible_if.begin(), query.visible_if.end(),
                  [](const std::vector<Term>& group) { return group.size() == 1; });
  if (reads_everything) query.visible_if.clear();
  return query;
}

absl::StatusOr<index::Query> ExpertFilters(const Caller& caller,
                                           const v1::FindExpertsRequest& request) {
  PSC_RETURN_IF_ERROR(CheckOperation(caller, ExpertKind(), Operation::kRead));
  std::vector<FieldViolation> violations;
  const v1::Skill skill = request.skill();
  if (!v1::Skill_IsValid(skill)) violations.push_back({"skill", "must be a Skill"});
  if (!v1::SkillLevel_IsValid(request.min_level())) {
    violations.push_back({"min_level", "must be a SkillLevel"});
  } else if (request.min_level() != v1::SKILL_LEVEL_UNSPECIFIED && skill == v1::SKILL_UNSPECIFIED) {
    violations.push_back({"min_level", "needs a skill"});
  }
  if (!v1::Region_IsValid(request.region())) violations.push_back({"region", "must be a Region"});
  if (request.min_free_days() < 0 || request.min_free_days() > 31) {
    violations.push_back({"min_free_days", "must be 0..31"});
  }
  if (request.query().size() > 1000) violations.push_back({"query", "at most 1000 characters"});
  if (!violations.empty()) return ValidationError(violations);

  index::Query query;
  query.text = request.query();
  query.visible_if = VisibleTo(caller, {&ExpertKind()});
  if (skill != v1::SKILL_UNSPECIFIED) {
    const int level = std::max<int>(1, request.min_level());
    query.all_of.push_back({{"skill_level", absl::StrCat(v1::Skill_Name(skill), ":", level)}});
    query.boost.push_back({SkillLevelSlot(skill), 1.0});  // levels 1..4
  }
  if (request.region() != v1::REGION_UNSPECIFIED) {
    query.all_of.push_back({{"region", v1::Region_Name(request.region())}});
  }
  if (request.shareable_only()) query.all_of.push_back({{"shareable", "true"}});
  if (request.min_free_days() > 0)
    query.at_least.push_back({kFreeDaysSlot, request.min_free_days()});
  query.boost.push_back({kFreeDaysSlot, 0.1});  // 0..31 days: availability breaks ties
  return query;
}

}  // namespace psc::registry
