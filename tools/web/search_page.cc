#include <algorithm>

#include "absl/strings/str_cat.h"
#include "tools/web/display.h"
#include "tools/web/pages.h"

namespace psc::web {
namespace {

constexpr int kPageSize = 20;

// Each facet pscd counts, the query parameter that filters on it, and how it reads.
struct FacetField {
  const char* field;
  const char* param;
  const char* legend;
};
constexpr FacetField kFacets[] = {
    {"kind", "kind", "Type"},
    {"collaborative", "collaborative", "Patient Safety Collaborative"},
    {"workstream", "workstream", "Workstream"},
    {"status", "status", "Status"},
    {"skill", "skill", "Skill"},
};

std::string FacetValueLabel(const PageRequest& r, absl::string_view field,
                            absl::string_view value) {
  if (field == "kind") return KindLabel(value);
  if (field == "collaborative") return r.Collaborative(value);
  return ValueLabel(value);
}

v1::SearchRequest RequestOf(const PageRequest& r) {
  v1::SearchRequest request;
  request.set_query(r.Param("q"));
  for (const std::string& kind : r.Params("kind")) request.add_kinds(kind);
  for (const std::string& name : r.Params("collaborative")) request.add_collaboratives(name);
  for (const std::string& name : r.Params("workstream")) {
    request.add_workstreams(ParseEnum<v1::Workstream>(name));
  }
  for (const std::string& name : r.Params("status")) {
    request.add_statuses(ParseEnum<v1::InitiativeStatus>(name));
  }
  for (const std::string& name : r.Params("skill")) request.add_skills(ParseEnum<v1::Skill>(name));
  request.set_page_size(kPageSize);
  request.set_page_token(r.Param("page"));
  return request;
}

// The filters as query parameters, for links that keep them.
std::vector<std::pair<std::string, std::string>> Filters(const PageRequest& r) {
  std::vector<std::pair<std::string, std::string>> params = {{"q", r.Param("q")}};
  for (const FacetField& facet : kFacets) {
    for (const std::string& value : r.Params(facet.param)) params.emplace_back(facet.param, value);
  }
  return params;
}

List Hits(const v1::SearchResponse& response) {
  List hits;
  for (const v1::SearchHit& hit : response.hits()) {
    Data entry;
    entry.set("title", hit.title());
    entry.set("kind", KindLabel(hit.kind()));
    const std::string path = PagePath(hit.name());
    if (!path.empty()) entry.set("href", path);
    entry.set("snippet", SnippetSegments(hit.snippet()));
    hits.push_back(entry);
  }
  return hits;
}

List Facets(const PageRequest& r, const v1::SearchResponse& response) {
  List facets;
  for (const FacetField& field : kFacets) {
    const std::vector<std::string> chosen = r.Params(field.param);
    for (const v1::Facet& facet : response.facets()) {
      if (facet.field() != field.field || facet.counts().empty()) continue;
      Data entry;
      entry.set("legend", field.legend);
      List options;
      for (const v1::FacetCount& count : facet.counts()) {
        Data option;
        option.set("id", absl::StrCat("facet-", field.param, "-", options.size()));
        option.set("name", field.param);
        option.set("value", count.value());
        option.set("label", FacetValueLabel(r, field.field, count.value()));
        option.set("count", std::to_string(count.count()));
        option.set("checked",
                   std::find(chosen.begin(), chosen.end(), count.value()) != chosen.end());
        options.push_back(option);
      }
      entry.set("options", options);
      facets.push_back(entry);
    }
  }
  return facets;
}

}  // namespace

void SearchPage(PageRequest& r) {
  Data data = r.BaseData("Search", "search");
  data.set("q", r.Param("q"));
  auto response = r.registry.Search(RequestOf(r));
  if (!response.ok()) {
    SetErrors(data, response.status());
    r.Render("search", data, 400);
    return;
  }
  data.set("searched", true);
  data.set("total",
           absl::StrCat(response->counts_estimated() ? "About " : "", response->total_size()));
  data.set("hits", Hits(*response));
  data.set("facets", Facets(r, *response));
  data.set("has_facets", response->facets_size() > 0);
  auto filters = Filters(r);
  if (!response->next_page_token().empty()) {
    auto next = filters;
    next.emplace_back("page", response->next_page_token());
    data.set("next_href", "/search?" + QueryString(next));
  }
  if (!r.Param("page").empty()) data.set("first_href", "/search?" + QueryString(filters));
  r.Render("search", data);
}

}  // namespace psc::web
