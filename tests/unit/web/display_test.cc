// How psc-web shows the API's values: snippets, enum names, resource names.

#include "tools/web/display.h"

#include "gtest/gtest.h"
#include "psc/registry/v1/expert.pb.h"

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
