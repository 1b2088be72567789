// Query text made safe for Xapian's parser: proximity operators become plain words.

#include "server/index/query_text.h"

#include "gtest/gtest.h"

namespace psc::index {
namespace {

TEST(QueryTextTest, ProximityOperatorsBecomeWords) {
  EXPECT_EQ(WithoutProximityOperators("a AND NEAR/3 b"), "a AND near/3 b");
  EXPECT_EQ(WithoutProximityOperators("ADJ x NEAR y"), "adj x near y");
  EXPECT_EQ(WithoutProximityOperators("(NEAR)"), "(near)");
  EXPECT_EQ(WithoutProximityOperators("NEAR"), "near");
  EXPECT_EQ(WithoutProximityOperators("AND\x93"
                                      "ADJ/4"),
            "AND\x93"
            "adj/4");  // invalid UTF-8
  EXPECT_EQ(WithoutProximityOperators("éNEAR XADJ"), "énear Xadj");
}

TEST(QueryTextTest, LeavesEverythingElse) {
  for (const char* text : {"NEARBY ADJUST", "NEAR_X", "NEAR1", "near", "sepsis",
                           "\"safety huddles\" OR title:sep*", "a AND NOT b", ""}) {
    EXPECT_EQ(WithoutProximityOperators(text), text) << text;
  }
}

}  // namespace
}  // namespace psc::index
