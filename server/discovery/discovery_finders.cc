// The expert finder and similar initiatives (discovery.h).

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "psc/registry/v1/display_name.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/discovery/discovery.h"
#include "server/discovery/discovery_filters.h"
#include "server/registry/access/access_policy.h"
#include "server/registry/kinds/expert_kind.h"
#include "server/registry/workflows/sharing_capacity.h"

namespace psc::registry {
namespace {

// The text that says what an initiative is about, which similarity is judged on: the title
// (twice: it says most), summary, topics, local priority and measures.
std::string SimilarityText(const v1::Initiative& i) {
  std::string text = absl::StrCat(i.title(), ". ", i.title(), ". ", i.summary(), ". ",
                                  absl::StrJoin(i.topics(), ". "), ". ", i.local_priority());
  for (const v1::Measure& m : i.measures()) absl::StrAppend(&text, ". ", m.name());
  return text;
}

constexpr int kDefaultSimilar = 10;
constexpr int kMaxSimilar = 100;
constexpr size_t kMaxSimilarText = 8000;
// Below this share of the best possible match, shared words are coincidence, not the same work.
constexpr int kMinSimilarPercent = 25;

// Why `expert` matched `request`, in words a lead can check.
std::vector<std::string> Reasons(const v1::FindExpertsRequest& request, const v1::Expert& expert,
                                 int free_days) {
  std::vector<std::string> reasons;
  for (const v1::ExpertSkill& s : expert.skills()) {
    if (s.skill() == request.skill()) {
      reasons.push_back(
          absl::StrCat(v1::DisplayName(s.skill()), " at ", v1::DisplayName(s.level()), " level"));
    }
  }
  reasons.push_back(absl::StrCat(free_days, free_days == 1 ? " free day" : " free days",
                                 " this month (of ", expert.days_per_month_offered(), " offered)"));
  if (request.region() != v1::REGION_UNSPECIFIED) {
    reasons.push_back(absl::StrCat("covers ", v1::DisplayName(request.region())));
  }
  if (expert.shareable()) reasons.push_back("can be shared across PSCs");
  if (!request.query().empty())
    reasons.push_back(absl::StrCat("matches \"", request.query(), "\""));
  return reasons;
}

}  // namespace

absl::StatusOr<v1::FindExpertsResponse> Discovery::FindExperts(
    const Caller& caller, const v1::FindExpertsRequest& request, absl::Time deadline) const {
  PSC_ASSIGN_OR_RETURN(index::Query query, ExpertFilters(caller, request));
  PSC_ASSIGN_OR_RETURN(Paging paging, StartPage(request, deadline, &query));
  query.snippets = false;
  PSC_ASSIGN_OR_RETURN(index::Result result, index_->Search(query));

  v1::FindExpertsResponse response;
  for (const index::Hit& hit : result.hits) {
    auto expert = registry_->Get(caller, ExpertKind(), hit.id);
    if (!expert.ok()) continue;  // deleted since it was indexed
    v1::ExpertMatch* match = response.add_experts();
    match->mutable_expert()->CopyFrom(**expert);
    match->set_score(hit.score);
    PSC_ASSIGN_OR_RETURN(int free_days, FreeDaysNow(*registry_, match->expert(), absl::Now()));
    match->set_free_days(free_days);
    for (std::string& reason : Reasons(request, match->expert(), free_days)) {
      match->add_reasons(std::move(reason));
    }
  }
  response.set_total_size(static_cast<int64_t>(result.total));
  response.set_next_page_token(NextPageToken(paging, result.total));
  response.set_sequence(result.sequence);
  return response;
}

absl::StatusOr<std::vector<v1::SimilarInitiative>> Discovery::Similar(
    const Caller& caller, const std::string& text, const std::string& exclude_lead,
    const std::string& exclude_name, int limit) const {
  index::Query query;
  query.text = text;
  query.literal = true;
  query.match_any_word = true;
  query.visible_if = VisibleTo(caller, {&InitiativeKind()});
  if (!exclude_lead.empty()) query.exclude.push_back({"lead", exclude_lead});
  query.limit = limit;
  query.min_percent = kMinSimilarPercent;
  query.snippets = false;
  query.exact_total = false;
  PSC_ASSIGN_OR_RETURN(index::Result result, index_->Search(query));
  std::vector<v1::SimilarInitiative> similar;
  for (const index::Hit& hit : result.hits) {
    if (hit.id == exclude_name) continue;
    auto found = registry_->Get(caller, InitiativeKind(), hit.id);
    if (!found.ok()) continue;
    const auto& initiative = static_cast<const v1::Initiative&>(**found);
    v1::SimilarInitiative s;
    s.set_name(hit.id);
    s.set_title(initiative.title());
    s.set_lead_collaborative(initiative.lead_collaborative());
    s.set_status(initiative.status());
    s.set_similarity(hit.percent / 100.0);
    similar.push_back(std::move(s));
  }
  return similar;
}

absl::StatusOr<v1::FindSimilarInitiativesResponse> Discovery::FindSimilarInitiatives(
    const Caller& caller, const v1::FindSimilarInitiativesRequest& request,
    absl::Time deadline) const {
  PSC_RETURN_IF_ERROR(CheckOperation(caller, InitiativeKind(), Operation::kRead));
  if (request.name().empty() == request.text().empty()) {
    return ValidationError({{"name", "give either an initiative name or a text, not both"}});
  }
  if (request.text().size() > kMaxSimilarText) {
    return ValidationError({{"text", absl::StrCat("at most ", kMaxSimilarText, " characters")}});
  }
  if (request.page_size() < 0) return ValidationError({{"page_size", "must not be negative"}});
  const int limit =
      request.page_size() == 0 ? kDefaultSimilar : std::min(request.page_size(), kMaxSimilar);
  PSC_RETURN_IF_ERROR(AwaitIndex(request.min_sequence(), deadline));
  v1::FindSimilarInitiativesResponse response;
  response.set_sequence(index_->last_sequence());
  std::vector<v1::SimilarInitiative> similar;
  if (!request.name().empty()) {
    PSC_ASSIGN_OR_RETURN(RecordPtr found, registry_->Get(caller, InitiativeKind(), request.name()));
    const auto& initiative = static_cast<const v1::Initiative&>(*found);
    PSC_ASSIGN_OR_RETURN(
        similar, Similar(caller, SimilarityText(initiative), initiative.lead_collaborative(),
                         initiative.name(), limit + 1));
  } else {
    PSC_ASSIGN_OR_RETURN(similar, Similar(caller, request.text(), caller.collaborative, "", limit));
  }
  if (static_cast<int>(similar.size()) > limit) similar.resize(limit);
  for (auto& s : similar) *response.add_initiatives() = std::move(s);
  return response;
}

std::vector<v1::SimilarInitiative> Discovery::SimilarTo(const v1::Initiative& initiative,
                                                        int limit) const {
  auto similar = Similar(Caller::Admin(), SimilarityText(initiative),
                         initiative.lead_collaborative(), initiative.name(), limit + 1);
  if (!similar.ok()) {
    LogWarning(absl::StrCat("similar-initiative hint: ", similar.status().ToString()));
    return {};
  }
  if (static_cast<int>(similar->size()) > limit) similar->resize(limit);
  return *std::move(similar);
}

}  // namespace psc::registry
