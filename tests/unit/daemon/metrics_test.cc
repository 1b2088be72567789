#include "server/daemon/metrics.h"

#include "gtest/gtest.h"

namespace psc::daemon {
namespace {

// httplib's stop() does nothing until its listening loop has started, and that loop then listens
// for ever: a pscd stopped right after it started hung on SIGTERM (seen in the integration tests
// on a loaded machine). Each round stops as soon as Serve returns.
TEST(MetricsTest, StopsServingRightAfterServeReturns) {
  for (int i = 0; i < 200; ++i) {
    Metrics metrics;
    ASSERT_TRUE(metrics.Serve("127.0.0.1:0", {}).ok());
    EXPECT_GT(metrics.port(), 0);
    metrics.StopServing();
  }
}

TEST(MetricsTest, StopServingIsIdempotentAndNeedsNoServe) {
  Metrics never_served;
  never_served.StopServing();
  Metrics served;
  ASSERT_TRUE(served.Serve("127.0.0.1:0", {}).ok());
  served.StopServing();
  served.StopServing();
}

}  // namespace
}  // namespace psc::daemon
