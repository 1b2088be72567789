#include "server/discovery/discovery.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/common/errors.h"
#include "server/common/status_macros.h"
#include "server/discovery/discovery_filters.h"
#include "server/registry/access/access_policy.h"

namespace psc::registry {
namespace {

constexpr size_t kMaxQueryLength = 1000;
constexpr absl::Duration kMaxIndexWait = absl::Seconds(10);

}  // namespace

absl::Status Discovery::AwaitIndex(uint64_t min_sequence, absl::Time deadline) const {
  if (min_sequence == 0 || index_->last_sequence() >= min_sequence) return absl::OkStatus();
  const absl::Time until = std::min(deadline, absl::Now() + kMaxIndexWait);
  // A replica waits for a sequence another replica committed; nothing waits for one that no
  // commit has taken.
  if (absl::Status committed = store_->AwaitSequence(min_sequence, until); !committed.ok()) {
    if (committed.code() == absl::StatusCode::kOutOfRange) {
      return ArgumentError(
          "min_sequence", "SEQUENCE_AHEAD",
          absl::StrCat(min_sequence, " is beyond the newest sequence ", store_->last_sequence()));
    }
  }
  if (index_->WaitFor(min_sequence, until)) {
    return absl::OkStatus();
  }
  return Error(absl::StatusCode::kDeadlineExceeded, "INDEX_BEHIND",
               absl::StrCat("the search index has reached sequence ", index_->last_sequence(),
                            ", not yet min_sequence ", min_sequence, "; retry"),
               {}, {{"index_sequence", absl::StrCat(index_->last_sequence())}});
}

absl::StatusOr<int> Discovery::Offset(absl::string_view fingerprint,
                                      absl::string_view token) const {
  if (token.empty()) return 0;
  PSC_ASSIGN_OR_RETURN(std::string raw, registry_->page_tokens().Decode(fingerprint, token));
  int offset = 0;
  if (!absl::SimpleAtoi(raw, &offset) || offset < 0) {
    return ArgumentError("page_token", "INVALID_PAGE_TOKEN", "corrupt");
  }
  return offset;
}

std::string Discovery::NextPageToken(const Paging& paging, uint64_t total) const {
  const int next = paging.offset + paging.page_size;
  if (static_cast<uint64_t>(next) >= total) return "";
  return registry_->page_tokens().Encode(paging.fingerprint, absl::StrCat(next));
}

absl::StatusOr<v1::SearchResponse> Discovery::Search(const Caller& caller,
                                                     const v1::SearchRequest& request,
                                                     absl::Time deadline) const {
  PSC_ASSIGN_OR_RETURN(index::Query query, SearchFilters(caller, request));
  if (request.query().size() > kMaxQueryLength) {
    return ValidationError({{"query", absl::StrCat("at most ", kMaxQueryLength, " characters")}});
  }
  query.text = request.query();
  PSC_ASSIGN_OR_RETURN(Paging paging, StartPage(request, deadline, &query));
  query.facets = true;
  PSC_ASSIGN_OR_RETURN(index::Result result, index_->Search(query));

  v1::SearchResponse response;
  for (const index::Hit& hit : result.hits) {
    v1::SearchHit* out = response.add_hits();
    out->set_name(hit.id);
    out->set_kind(hit.id.substr(0, hit.id.find('/')));
    out->set_title(hit.title);
    out->set_snippet(hit.snippet);
    out->set_score(hit.score);
  }
  for (const auto& [field, counts] : result.facets) {
    if (counts.empty()) continue;
    v1::Facet* facet = response.add_facets();
    facet->set_field(field);
    for (const auto& [value, count] : counts) {
      v1::FacetCount* c = facet->add_counts();
      c->set_value(value);
      c->set_count(static_cast<int64_t>(count));
    }
  }
  response.set_total_size(static_cast<int64_t>(result.total));
  response.set_counts_estimated(result.estimated);
  response.set_next_page_token(NextPageToken(paging, result.total));
  response.set_sequence(result.sequence);
  return response;
}

}  // namespace psc::registry
