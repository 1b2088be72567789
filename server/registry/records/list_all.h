#pragma once
// Every record of a kind matching a filter, walking all pages, as an admin: for server-side
// aggregates (the network report, an expert's commitments). Pages are separate snapshots unless
// `view` gives one for all.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/registry/records/registry.h"

namespace psc::registry {

template <typename T>
absl::StatusOr<std::vector<T>> ListAllAs(const Registry& registry, const RecordKind& kind,
                                         const std::string& filter = "",
                                         uint64_t* sequence = nullptr,
                                         std::shared_ptr<const storage::ReadView> view = nullptr) {
  ListParams params;
  params.page_size = 1000;
  params.filter = filter;
  params.view = std::move(view);
  std::vector<T> out;
  do {
    absl::StatusOr<ListPage> page = registry.List(Caller::Admin(), kind, params);
    if (!page.ok()) return page.status();
    if (sequence != nullptr && params.page_token.empty()) *sequence = page->sequence;
    for (const RecordPtr& r : page->resources) out.push_back(static_cast<const T&>(*r));
    params.page_token = page->next_page_token;
  } while (!params.page_token.empty());
  return out;
}

}  // namespace psc::registry
