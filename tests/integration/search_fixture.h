#pragma once

#include <map>
#include <string>
#include <vector>

#include "tests/integration/cli_fixture.h"

namespace psc::testing {

// A pscd with the demo data loaded, and helpers to search it as of the latest write.
class SearchTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    LoadDemoData();
  }

  // The newest change-log sequence: searching with it as min_sequence sees every write so far.
  uint64_t Latest() {
    v1::ListCollaborativesRequest request;
    request.set_page_size(1);
    auto page = client_->ListCollaboratives(request);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->sequence() : 0;
  }

  v1::SearchResponse SearchAs(client::RegistryClient& client, v1::SearchRequest request) {
    request.set_min_sequence(Latest());
    auto response = client.Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::SearchResponse();
  }

  v1::SearchResponse Search(const std::string& query, const std::vector<std::string>& kinds = {}) {
    v1::SearchRequest request;
    request.set_query(query);
    for (const auto& k : kinds) request.add_kinds(k);
    request.set_page_size(100);
    return SearchAs(*client_, request);
  }

  static std::vector<std::string> Names(const v1::SearchResponse& response) {
    std::vector<std::string> names;
    for (const auto& hit : response.hits()) names.push_back(hit.name());
    return names;
  }

  // facet field -> value -> count.
  static std::map<std::string, std::map<std::string, int64_t>> Facets(
      const v1::SearchResponse& response) {
    std::map<std::string, std::map<std::string, int64_t>> out;
    for (const auto& facet : response.facets()) {
      for (const auto& c : facet.counts()) out[facet.field()][c.value()] = c.count();
    }
    return out;
  }
};

}  // namespace psc::testing
