// pscd's Prometheus metrics (--metrics-listen): every family docs/operations.md lists, counted as
// the calls, commits and watches really happen.

#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/eventually.h"
#include "tests/testing/metrics_text.h"

namespace psc::testing {
namespace {

namespace v1 = registry::v1;
using ::testing::HasSubstr;
using ::testing::Optional;

class MetricsTest : public RegistryTest {
 protected:
  std::string Scrape() {
    auto text = HttpGet(pscd_->metrics_target(), "/metrics");
    EXPECT_TRUE(text.ok()) << text.status();
    return text.ok() ? *text : "";
  }
  static std::map<std::string, std::string> Call(const std::string& method,
                                                 const std::string& code) {
    return {{"grpc_service", "psc.registry.v1.Registry"},
            {"grpc_method", method},
            {"grpc_type", "unary"},
            {"grpc_code", code}};
  }
};

TEST_F(MetricsTest, CallsAreCountedByMethodAndCodeWithTheirLatency) {
  ASSERT_FALSE(pscd_->metrics_target().empty()) << pscd_->Log();
  EXPECT_FALSE(
      SampleValue(Scrape(), "grpc_server_handled_total", Call("CreateCollaborative", "OK")));
  AddCollaborative("wessex");
  AddCollaborative("oxford");
  EXPECT_EQ(client_->GetInitiative("initiatives/nope").status().code(),
            absl::StatusCode::kNotFound);
  auto reader = ClientAs("reader");
  EXPECT_EQ(reader->CreateCollaborative(MakeCollaborative("X PSC"), {.id = "x"}).status().code(),
            absl::StatusCode::kPermissionDenied);

  const std::string text = Scrape();
  EXPECT_THAT(SampleValue(text, "grpc_server_handled_total", Call("CreateCollaborative", "OK")),
              Optional(2.0));
  EXPECT_THAT(SampleValue(text, "grpc_server_handled_total",
                          Call("CreateCollaborative", "PermissionDenied")),
              Optional(1.0));
  EXPECT_THAT(SampleValue(text, "grpc_server_handled_total", Call("GetInitiative", "NotFound")),
              Optional(1.0));
  EXPECT_THAT(SampleValue(text, "grpc_server_handling_seconds_count",
                          {{"grpc_method", "CreateCollaborative"}}),
              Optional(3.0));
  EXPECT_THAT(SampleValue(text, "grpc_server_handling_seconds_bucket",
                          {{"grpc_method", "CreateCollaborative"}, {"le", "+Inf"}}),
              Optional(3.0));
  EXPECT_THAT(SampleValue(text, "psc_calls_refused_total",
                          {{"grpc_code", "PermissionDenied"}, {"reason", "ROLE_NOT_ALLOWED"}}),
              Optional(1.0));
  // Two creates, each its own change; every commit observed.
  EXPECT_THAT(SampleValue(text, "psc_change_log_last_sequence"), Optional(2.0));
  EXPECT_THAT(SampleValue(text, "psc_change_log_first_sequence"), Optional(1.0));
  EXPECT_GE(SampleValue(text, "psc_commit_group_size_count").value_or(0), 2);
  EXPECT_GE(SampleValue(text, "psc_commit_seconds_count").value_or(0), 2);
  EXPECT_GT(SampleValue(text, "psc_commit_write_seconds_sum").value_or(0), 0);
  EXPECT_THAT(SampleValue(text, "psc_commit_queue_depth"), Optional(0.0));
  EXPECT_GT(SampleValue(text, "psc_rocksdb_memtable_bytes").value_or(0), 0);
  EXPECT_GT(SampleValue(text, "psc_data_dir_free_bytes").value_or(0), 0);
  EXPECT_TRUE(SampleValue(text, "psc_rocksdb_live_data_bytes"));
  EXPECT_TRUE(SampleValue(text, "psc_rocksdb_pending_compaction_bytes"));
  // The test certificate is valid for a while from now.
  const double expiry =
      SampleValue(text, "psc_tls_certificate_expiry_timestamp_seconds").value_or(0);
  EXPECT_GT(expiry, absl::ToUnixSeconds(absl::Now() + absl::Hours(24)));
  EXPECT_THAT(SampleValue(text, "psc_build_info", {{"version", "0.1.0"}}), Optional(1.0));
  EXPECT_GT(SampleValue(text, "process_open_fds").value_or(0), 10);
  EXPECT_GT(SampleValue(text, "process_resident_memory_bytes").value_or(0), 1 << 20);
  EXPECT_GT(SampleValue(text, "process_cpu_seconds_total").value_or(0), 0);
  EXPECT_NEAR(SampleValue(text, "process_start_time_seconds").value_or(0),
              absl::ToUnixSeconds(absl::Now()), 300);
  EXPECT_GE(SampleValue(text, "process_max_fds").value_or(0), 1024);
  // This test's client holds at least one connection; none was refused or shed.
  EXPECT_GE(SampleValue(text, "psc_connections_open").value_or(0), 1);
  EXPECT_GE(SampleValue(text, "psc_connections_accepted_total").value_or(0), 1);
  EXPECT_THAT(SampleValue(text, "psc_connections_refused_total"), Optional(0.0));
  EXPECT_THAT(SampleValue(text, "psc_connections_shed_total"), Optional(0.0));

  // The index catches up with the log, and the lag says so.
  Eventually([&] { return SampleValue(Scrape(), "psc_index_applied_sequence") == 2.0; });
  const std::string later = Scrape();
  EXPECT_THAT(SampleValue(later, "psc_index_applied_sequence"), Optional(2.0));
  EXPECT_THAT(SampleValue(later, "psc_index_lag"), Optional(0.0));
}

TEST_F(MetricsTest, OpenWatchesAreCountedAndStreamsLabelledAsSuch) {
  EXPECT_THAT(SampleValue(Scrape(), "psc_watches_open"), Optional(0.0));
  std::atomic<bool> stop{false};
  std::atomic<bool> watching{false};
  std::thread watcher([&] {
    client::RegistryClient::WatchHandlers handlers;
    handlers.on_change = [&](const v1::ChangeEvent&) {
      watching = true;
      return !stop.load();
    };
    EXPECT_TRUE(client_->WatchChanges(0, {}, handlers).ok());
  });
  AddCollaborative("wessex");
  Eventually([&] { return watching.load(); });
  EXPECT_THAT(SampleValue(Scrape(), "psc_watches_open"), Optional(1.0));
  stop = true;
  AddCollaborative("oxford");  // the handler sees it and ends the watch
  watcher.join();
  std::optional<double> open;
  Eventually([&] {
    open = SampleValue(Scrape(), "psc_watches_open");
    return open == 0.0;
  });
  EXPECT_THAT(open, Optional(0.0));
  EXPECT_THAT(SampleValue(Scrape(), "grpc_server_handled_total",
                          {{"grpc_method", "WatchChanges"}, {"grpc_type", "server_stream"}}),
              Optional(1.0));
}

TEST(MetricsServerTest, RateLimitedCallsAreCounted) {
  TempDir dir;
  auto pscd = PscdProcess::Start(
      {.data_dir = dir.Sub("data"), .extra_args = {"--write-rate", "0.01", "--write-burst", "1"}});
  ASSERT_TRUE(pscd.ok()) << pscd.status();
  client::RegistryClient client(ClientOptionsAs((*pscd)->target(), "lead-wessex"));
  int refused = 0;
  for (int i = 0; i < 3; ++i) {
    auto e = client.CreateExpert(MakeExpert("collaboratives/wessex"), {.id = absl::StrCat("e", i)});
    if (Reason(e.status()) == "RATE_LIMITED") ++refused;
  }
  ASSERT_GE(refused, 2);
  auto text = HttpGet((*pscd)->metrics_target(), "/metrics");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(SampleValue(*text, "psc_calls_rate_limited_total", {{"grpc_method", "CreateExpert"}}),
              Optional(static_cast<double>(refused)));
}

TEST(MetricsServerTest, MetricsCanBeTurnedOffAndATakenAddressStopsPscd) {
  TempDir dir;
  auto off = PscdProcess::Start({.data_dir = dir.Sub("off"), .metrics_listen = ""});
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_EQ((*off)->metrics_target(), "");
  EXPECT_THAT((*off)->Log(), HasSubstr("no metrics"));

  auto first = PscdProcess::Start({.data_dir = dir.Sub("a")});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second =
      PscdProcess::Start({.data_dir = dir.Sub("b"), .metrics_listen = (*first)->metrics_target()});
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("--metrics-listen"));
}

}  // namespace
}  // namespace psc::testing
