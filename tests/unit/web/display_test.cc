// How psc-web shows the API's values: snippets, enum names, resource names.

#include "tools/web/display.h"

#include "gtest/gtest.h"
#include "psc/registry/v1/expert.pb.h"
#include "psc/registry/v1/workflow.pb.h"

namespace psc::web {
namespace {

// A snippet as the page shows it: marked runs in [brackets].
std::string Shown(const std::string& snippet) {
  Data data;
  data.set("s", SnippetSegments(snippet));
  kainjow::mustache::mustache page(
      "{{#s}}{{#mark}}[{{text}}]{{/mark}}{{^mark}}{{text}}{{/mark}}{{/s}}");
  return page.render(data);
}

TEST(DisplayTest, ASnippetsMarksSurviveAndItsTextIsEscapedOnce) {
  EXPECT_EQ(Shown("the <mark>sepsis</mark> dashboard"), "the [sepsis] dashboard");
  // Xapian escaped the text; the template escapes it again, exactly once.
  EXPECT_EQ(Shown("a &lt;script&gt; &amp; <mark>sepsis</mark>"), "a &lt;script&gt; &amp; [sepsis]");
  EXPECT_EQ(Shown("<mark>a</mark><mark>b</mark>"), "[a][b]");
  EXPECT_EQ(Shown("<mark>unclosed"), "[unclosed]");
  EXPECT_EQ(Shown(""), "");
}

TEST(DisplayTest, NamesReadAsWords) {
  EXPECT_EQ(EnumLabel(registry::v1::HUMAN_FACTORS), "Human factors");
  EXPECT_EQ(EnumLabel(registry::v1::SKILL_UNSPECIFIED), "");
  // Display names from display.proto where lower-case words would read wrong.
  EXPECT_EQ(EnumLabel(registry::v1::SOUTH_WEST), "South West");
  EXPECT_EQ(EnumWords(registry::v1::SOUTH_WEST), "South West");
  EXPECT_EQ(EnumWords(registry::v1::NORTH_EAST_AND_YORKSHIRE), "North East and Yorkshire");
  EXPECT_EQ(EnumWords(registry::v1::ADVANCED), "advanced");
  EXPECT_EQ(EnumLabel(registry::v1::MATERNITY_NEONATAL), "Maternity and neonatal");
  EXPECT_EQ(EnumLabel(registry::v1::SAFETY_CULTURE_SKILL), "Safety culture");
  // Values are found in the descriptors linked in (psc-web links every page, this test only
  // what it names).
  ASSERT_NE(registry::v1::JoinRequestState_descriptor(), nullptr);
  EXPECT_EQ(ValueLabel("JOIN_PENDING"), "Pending");
  EXPECT_EQ(ValueLabel("LOCAL"), "Local priority");
  EXPECT_EQ(ValueLabel("NOT_A_VALUE"), "Not a value");
  EXPECT_EQ(MonthLabel(2027, 1), "January 2027");
  EXPECT_EQ(Count(1, "free day"), "1 free day");
  EXPECT_EQ(Count(2, "free day"), "2 free days");
  EXPECT_EQ(Count(0, "month"), "0 months");
  EXPECT_EQ(MonthLabel(2026, 12), "December 2026");
  EXPECT_EQ(ParseEnum<registry::v1::Skill>("HUMAN_FACTORS"), registry::v1::HUMAN_FACTORS);
  EXPECT_EQ(ParseEnum<registry::v1::Skill>("nonsense"), registry::v1::SKILL_UNSPECIFIED);
  EXPECT_EQ(CollaborativeLabel("collaboratives/west-of-england"), "West of England");
  EXPECT_EQ(CollaborativeLabel("collaboratives/kss"), "KSS");
  EXPECT_EQ(KindLabel("caseStudies"), "Case studies");
  EXPECT_EQ(IdOf("experts/noel-mockford"), "noel-mockford");
  EXPECT_EQ(ParentOf("experts/e1/requests/r1"), "experts/e1");
  EXPECT_EQ(PagePath("initiatives/x"), "/initiatives/x");
  EXPECT_EQ(PagePath("resources/x"), "");
  EXPECT_EQ(QueryString({{"q", "a b&c"}, {"kind", "caseStudies"}}), "q=a%20b%26c&kind=caseStudies");
}

}  // namespace
}  // namespace psc::web
