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
    // Wait until the index holds the demo data: similar-initiative hints read the index as it
    // is, and under load it may still be catching up.
    v1::SearchRequest caught_up;
    caught_up.set_min_sequence(Latest());
    auto searched = client_->Search(caught_up);
    ASSERT_TRUE(searched.ok()) << searched.status();
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
