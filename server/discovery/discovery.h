#pragma once
// Discovery over the search index: search across kinds, the expert finder and
// similar initiatives. Every call is authorized for its caller like a read: it finds only
// what the caller may read (access_policy.h), and errors carry AIP-193 details.
// Thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "psc/registry/v1/search.pb.h"
#include "server/common/caller.h"
#include "server/index/search_index.h"
#include "server/registry/records/list_query.h"
#include "server/registry/records/registry.h"

namespace psc::registry {

class Discovery {
 public:
  // All must outlive the Discovery.
  Discovery(const Registry* registry, const storage::Store* store, const index::SearchIndex* index)
      : registry_(registry), store_(store), index_(index) {}

  // Search RPC (search.proto). INVALID_ARGUMENT for a bad query, filter value, page size or
  // token; PERMISSION_DENIED (ROLE_NOT_ALLOWED) when `kinds` names a kind the caller may not
  // read; DEADLINE_EXCEEDED (INDEX_BEHIND) when min_sequence is not indexed by `deadline`.
  absl::StatusOr<v1::SearchResponse> Search(const Caller& caller, const v1::SearchRequest& request,
                                            absl::Time deadline) const;

  // FindExperts RPC: errors as for Search; PERMISSION_DENIED for roles that may not read experts.
  absl::StatusOr<v1::FindExpertsResponse> FindExperts(const Caller& caller,
                                                      const v1::FindExpertsRequest& request,
                                                      absl::Time deadline) const;

  // FindSimilarInitiatives RPC: errors as for Search; NOT_FOUND when `name` does not exist.
  absl::StatusOr<v1::FindSimilarInitiativesResponse> FindSimilarInitiatives(
      const Caller& caller, const v1::FindSimilarInitiativesRequest& request,
      absl::Time deadline) const;

  // Up to `limit` initiatives of PSCs other than its lead that look like `initiative`: the hint
  // Create and Update return. Empty when the index cannot answer (a hint never fails a write).
  std::vector<v1::SimilarInitiative> SimilarTo(const v1::Initiative& initiative, int limit) const;

 private:
  // The request without its paging fields, to which a page token is bound: a token is valid
  // only for the same request.
  template <typename Request>
  static std::string PagingFingerprint(Request request) {
    request.clear_page_size();
    request.clear_page_token();
    request.clear_min_sequence();
    std::string out;
    google::protobuf::io::StringOutputStream stream(&out);
    {
      google::protobuf::io::CodedOutputStream coded(&stream);
      coded.SetSerializationDeterministic(true);
      request.SerializeToCodedStream(&coded);
    }
    return absl::StrCat(Request::descriptor()->name(), ":", out);
  }

  // Where a page starts, and the request its token is bound to.
  struct Paging {
    std::string fingerprint;
    int offset = 0;
    int page_size = 0;
  };

  // Checks the paging fields of `request`, waits for its min_sequence, and points `query` at
  // the page.
  template <typename Request>
  absl::StatusOr<Paging> StartPage(const Request& request, absl::Time deadline,
                                   index::Query* query) const {
    absl::StatusOr<int> page_size = EffectivePageSize(request.page_size());
    if (!page_size.ok()) return page_size.status();
    Paging paging{PagingFingerprint(request), 0, *page_size};
    absl::StatusOr<int> offset = Offset(paging.fingerprint, request.page_token());
    if (!offset.ok()) return offset.status();
    paging.offset = *offset;
    if (absl::Status s = AwaitIndex(request.min_sequence(), deadline); !s.ok()) return s;
    query->offset = paging.offset;
    query->limit = paging.page_size;
    return paging;
  }

  // Waits until the index has applied `min_sequence`.
  absl::Status AwaitIndex(uint64_t min_sequence, absl::Time deadline) const;
  // The offset a page token stands for (0 without one), bound to the request's `fingerprint`.
  absl::StatusOr<int> Offset(absl::string_view fingerprint, absl::string_view token) const;
  // The token of the page after `paging`, or "" when it was the last of `total` hits.
  std::string NextPageToken(const Paging& paging, uint64_t total) const;
  absl::StatusOr<std::vector<v1::SimilarInitiative>> Similar(const Caller& caller,
                                                             const std::string& text,
                                                             const std::string& exclude_lead,
                                                             const std::string& exclude_name,
                                                             int limit) const;

  const Registry* registry_;
  const storage::Store* store_;
  const index::SearchIndex* index_;
};

}  // namespace psc::registry
