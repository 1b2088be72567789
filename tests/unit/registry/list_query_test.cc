#include "server/registry/records/list_query.h"

#include "gtest/gtest.h"
#include "server/common/errors.h"

namespace psc::registry {
namespace {

const std::vector<FilterField>& Fields() { return InitiativeKind().filter_fields(); }

TEST(ParseFilterTest, AndJoinedTerms) {
  auto terms = ParseFilter(
      R"(workstream = SAFETY_CULTURE AND collaborative = "collaboratives/wessex" AND topic="Falls")",
      Fields());
  ASSERT_TRUE(terms.ok()) << terms.status();
  EXPECT_EQ(*terms, (std::vector<Term>{{"workstream", "SAFETY_CULTURE"},
                                       {"collaborative", "collaboratives/wessex"},
                                       {"topic", "falls"}}));
}

TEST(ParseFilterTest, EnumAndBooleanValuesAreCanonicalised) {
  auto terms =
      ParseFilter("skill = human-factors AND shareable = TRUE", ExpertKind().filter_fields());
  ASSERT_TRUE(terms.ok()) << terms.status();
  EXPECT_EQ(*terms, (std::vector<Term>{{"skill", "HUMAN_FACTORS"}, {"shareable", "true"}}));
}

TEST(ParseFilterTest, EmptyFilterHasNoTerms) { EXPECT_TRUE(ParseFilter("  ", Fields())->empty()); }

TEST(ParseFilterTest, QuotedValuesTakeEscapes) {
  auto terms = ParseFilter(R"(topic = "say \"hi\" \\ now")", Fields());
  ASSERT_TRUE(terms.ok());
  EXPECT_EQ((*terms)[0].value, R"(say "hi" \ now)");
}

TEST(ParseFilterTest, Errors) {
  for (const char* bad : {"colour = red", "workstream SAFETY_CULTURE", "workstream = NOPE",
                          "workstream = WORKSTREAM_UNSPECIFIED", "topic = \"open",
                          "topic = a OR topic = b", "topic = a AND", "= a", "topic = \"\""}) {
    auto terms = ParseFilter(bad, Fields());
    EXPECT_EQ(terms.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ErrorReason(terms.status()), "INVALID_FILTER") << bad;
  }
  EXPECT_FALSE(ParseFilter(std::string(3000, 'a'), Fields()).ok());
  EXPECT_FALSE(ParseFilter("shareable = yes", ExpertKind().filter_fields()).ok());
  EXPECT_TRUE(ParseFilter("shareable = true", ExpertKind().filter_fields()).ok());
}

TEST(ParseOrderByTest, AcceptsNameAndCreateTime) {
  EXPECT_EQ(ParseOrderBy("")->order, SortOrder::kName);
  EXPECT_TRUE(ParseOrderBy("name desc")->descending);
  EXPECT_EQ(ParseOrderBy("create_time")->order, SortOrder::kCreateTime);
  EXPECT_FALSE(ParseOrderBy("create_time asc")->descending);
  for (const char* bad : {"title", "name sideways", "name desc extra"}) {
    EXPECT_EQ(ErrorReason(ParseOrderBy(bad).status()), "INVALID_ORDER_BY") << bad;
  }
}

TEST(PageSizeTest, DefaultsAndBounds) {
  EXPECT_EQ(*EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*EffectivePageSize(7), 7);
  EXPECT_EQ(*EffectivePageSize(5000), kMaxPageSize);
  EXPECT_EQ(ErrorReason(EffectivePageSize(-1).status()), "INVALID_PAGE_SIZE");
}

TEST(PageTokensTest, RoundTripAndRejectsTamperedOrForeignTokens) {
  PageTokens tokens("secret");
  std::string token = tokens.Encode("query", "last-key");
  EXPECT_EQ(*tokens.Decode("query", token), "last-key");
  EXPECT_EQ(ErrorReason(tokens.Decode("other query", token).status()), "INVALID_PAGE_TOKEN");
  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(tokens.Decode("query", tampered).ok());
  EXPECT_FALSE(tokens.Decode("query", "not base64 !!").ok());
  EXPECT_FALSE(PageTokens("other secret").Decode("query", token).ok());
}

}  // namespace
}  // namespace psc::registry
