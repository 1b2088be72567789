// psc-web's users file: each user's pscd principal, checked as it is read.

#include "tools/web/users.h"

#include <cstdio>
#include <fstream>

#include "gtest/gtest.h"

namespace psc::web {
namespace {

std::string WriteFile(const std::string& text) {
  const std::string path = ::testing::TempDir() + "/users-" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() +
                           ".json";
  std::ofstream(path) << text;
  return path;
}

TEST(UsersTest, LoadsUsersAndFindsThemByNameAndPrincipal) {
  auto users = Users::Load(WriteFile(R"({"users": [
      {"user": "jo@nhs.net", "principal": "spiffe://p/jo", "displayName": "Jo"},
      {"user": "sam@nhs.net", "principal": "spiffe://p/sam"}]})"));
  ASSERT_TRUE(users.ok()) << users.status();
  ASSERT_EQ(users->all().size(), 2u);
  EXPECT_EQ(users->Find("jo@nhs.net")->principal(), "spiffe://p/jo");
  EXPECT_EQ(users->Find("sam@nhs.net")->display_name(), "sam@nhs.net");  // the name by default
  EXPECT_EQ(users->FindByPrincipal("spiffe://p/sam")->user(), "sam@nhs.net");
  EXPECT_EQ(users->Find("JO@nhs.net"), nullptr);
  EXPECT_EQ(users->FindByPrincipal("spiffe://p/nobody"), nullptr);
}

// A provider group maps its members to one principal; the first group in file order wins, and
// a group's name is not a user's.
TEST(UsersTest, FindsTheFirstEntryOfAnyOfTheGroups) {
  auto users = Users::Load(WriteFile(R"({"users": [
      {"user": "jo@nhs.net", "principal": "spiffe://p/jo"},
      {"group": "wessex-leads", "principal": "spiffe://p/wessex-lead"},
      {"group": "readers", "principal": "spiffe://p/reader", "displayName": "Reader"}]})"));
  ASSERT_TRUE(users.ok()) << users.status();
  EXPECT_EQ(users->FindGroup({"readers", "wessex-leads"})->principal(), "spiffe://p/wessex-lead");
  EXPECT_EQ(users->FindGroup({"readers"})->display_name(), "Reader");
  EXPECT_EQ(users->FindGroup({"wessex-leads"})->display_name(), "wessex-leads");
  EXPECT_EQ(users->FindGroup({"other"}), nullptr);
  EXPECT_EQ(users->FindGroup({}), nullptr);
  EXPECT_EQ(users->Find("wessex-leads"), nullptr);
  EXPECT_EQ(users->FindGroup({"jo@nhs.net"}), nullptr);
}

TEST(UsersTest, RefusesABadFileSayingWhy) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c : {
           Case{R"({"users": [{"user": "jo"}]})", "users[0] needs a \"principal\""},
           Case{R"({"users": [{"principal": "p"}]})", "one of \"user\" or \"group\""},
           Case{R"({"users": [{"user": "jo", "group": "g", "principal": "p"}]})",
                "one of \"user\" or \"group\""},
           Case{
               R"({"users": [{"group": "g", "principal": "a"}, {"group": "g", "principal": "b"}]})",
               "users[1]: \"g\" is named twice"},
           Case{
               R"({"users": [{"user": "jo", "principal": "a"}, {"user": "jo", "principal": "b"}]})",
               "users[1]: \"jo\" is named twice"},
           Case{R"({"users": [{"user": "jo", "principal": "a", "role": "ADMIN"}]})",
                "not a users file"},
           Case{"not json", "not a users file"},
       }) {
    auto users = Users::Load(WriteFile(c.text));
    ASSERT_FALSE(users.ok()) << c.text;
    EXPECT_EQ(users.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(users.status().message().find(c.says), std::string::npos) << users.status();
  }
  EXPECT_EQ(Users::Load("/nonexistent/users.json").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace psc::web
