#include "server/auth/principals.h"

#include "gtest/gtest.h"

namespace psc::auth {
namespace {

TEST(PrincipalsTest, ParsesRolesAndCollaboratives) {
  auto principals = Principals::Parse(R"json({"principals": [
      {"identity": "spiffe://x/admin", "role": "ADMIN"},
      {"identity": "spiffe://x/lead", "role": "LEAD", "collaborative": "collaboratives/wessex"}]})json",
                                      "test");
  ASSERT_TRUE(principals.ok()) << principals.status();
  EXPECT_EQ((*principals)->size(), 2u);
  auto lead = (*principals)->Find("spiffe://x/lead");
  ASSERT_TRUE(lead.has_value());
  EXPECT_EQ(lead->role, registry::v1::LEAD);
  EXPECT_EQ(lead->collaborative, "collaboratives/wessex");
  EXPECT_FALSE((*principals)->Find("spiffe://x/nobody").has_value());
}

TEST(PrincipalsTest, RejectsBadFilesNamingTheEntry) {
  struct Case {
    const char* json;
    const char* error;
  };
  for (
      const Case& c : {
          Case{"not json", "not a principals file"},
          Case{R"({"principals": [{"role": "ADMIN"}]})", "identity is required"},
          Case{R"({"principals": [{"identity": "a"}]})", "role is required"},
          Case{R"({"principals": [{"identity": "a", "role": "LEAD"}]})", "need a collaborative"},
          Case{
              R"({"principals": [{"identity": "a", "role": "READER", "collaborative": "collaboratives/x"}]})",
              "only LEAD and MEMBER"},
          Case{
              R"({"principals": [{"identity": "a", "role": "ADMIN"}, {"identity": "a", "role": "READER"}]})",
              "identity appears twice"},
          Case{R"({"principals": [{"identity": "a", "role": "EMPEROR"}]})",
               "not a principals file"},
      }) {
    auto principals = Principals::Parse(c.json, "p.json");
    ASSERT_FALSE(principals.ok()) << c.json;
    EXPECT_NE(principals.status().message().find(c.error), absl::string_view::npos)
        << principals.status();
    EXPECT_NE(principals.status().message().find("p.json"), absl::string_view::npos);
  }
  EXPECT_FALSE(Principals::Load("/nonexistent/principals.json").ok());
}

}  // namespace
}  // namespace psc::auth
