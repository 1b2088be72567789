// The watch hub and its watches against a fake feed and a fake stream: no server, no disk.

#include "server/service/watch/watch_hub.h"

#include <deque>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/testing/eventually.h"
#include "tests/testing/fake_change_feed.h"

namespace psc::service {
namespace {

namespace v1 = registry::v1;

// Records what a watch writes. Writes complete only when the test says so (Complete), as a
// client reading slowly would let them; Finish is answered with OnDone, as gRPC does.
class FakeStream final : public WatchStream {
 public:
  void StartWrite(const v1::WatchChangesResponse* message) override {
    MutexLock lock(&mu_);
    written_.push_back(*message);
    in_flight_ = true;
  }
  void Finish(grpc::Status status) override {
    {
      MutexLock lock(&mu_);
      finished_ = true;
      status_ = std::move(status);
    }
    if (watch_ != nullptr) watch_->OnDone();
  }
  void Cancel() override {
    MutexLock lock(&mu_);
    ++cancels_;
  }

  void set_watch(std::shared_ptr<Watch> watch) { watch_ = std::move(watch); }
  // Completes the write in flight, if any: the watch then writes what is due next.
  bool Complete() {
    {
      MutexLock lock(&mu_);
      if (!in_flight_) return false;
      in_flight_ = false;
    }
    watch_->OnWriteDone(true);
    return true;
  }
  // Completes writes until none is in flight.
  void Drain() {
    while (Complete()) {
    }
  }
  std::vector<std::string> Actors() const {
    MutexLock lock(&mu_);
    std::vector<std::string> out;
    for (const auto& m : written_) {
      if (m.has_change()) out.push_back(m.change().actor());
    }
    return out;
  }
  std::vector<uint64_t> ChangeSequences() const {
    MutexLock lock(&mu_);
    std::vector<uint64_t> out;
    for (const auto& m : written_) {
      if (m.has_change()) out.push_back(m.change().sequence());
    }
    return out;
  }
  int Progresses() const {
    MutexLock lock(&mu_);
    int n = 0;
    for (const auto& m : written_) n += m.has_progress();
    return n;
  }
  bool finished() const {
    MutexLock lock(&mu_);
    return finished_;
  }
  grpc::Status status() const {
    MutexLock lock(&mu_);
    return status_;
  }
  int cancels() const {
    MutexLock lock(&mu_);
    return cancels_;
  }

 private:
  std::shared_ptr<Watch> watch_;
  mutable Mutex mu_;
  std::vector<v1::WatchChangesResponse> written_ ABSL_GUARDED_BY(mu_);
  bool in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
  int cancels_ ABSL_GUARDED_BY(mu_) = 0;
};

using testing::Eventually;  // the hub's thread acts on its own schedule

// Each test declares its streams before its hub: a stream must outlive the watches on it, which
// the hub's destructor ends.
class WatchHubTest : public ::testing::Test {
 protected:
  std::shared_ptr<Watch> Open(WatchHub& hub, FakeStream& stream, uint64_t after,
                              const std::string& identity = "reader", v1::Role role = v1::READER) {
    v1::WatchChangesRequest request;
    request.set_after_sequence(after);
    // The stream needs the watch before anything can complete; Start pumps at once, so the
    // first write may already be in flight when it returns.
    auto watch = hub.Start(&stream, Caller{identity, role, ""}, request);
    stream.set_watch(watch);
    return watch;
  }

  testing::FakeChangeFeed feed_;
};

TEST_F(WatchHubTest, DeliversEveryChangeInOrderThenProgress) {
  for (int i = 0; i < 5; ++i) feed_.AppendUpdate("initiatives/a");
  FakeStream stream;
  WatchHub hub(&feed_, {.progress_interval = absl::Milliseconds(20)});
  auto watch = Open(hub, stream, 2);
  stream.Drain();
  EXPECT_EQ(stream.ChangeSequences(), (std::vector<uint64_t>{3, 4, 5}));
  // New commits wake the watch through the hub.
  feed_.AppendUpdate("initiatives/a");
  hub.OnCommit(feed_.last_sequence());
  EXPECT_TRUE(Eventually([&] {
    stream.Drain();
    return stream.ChangeSequences().size() == 4;
  }));
  EXPECT_EQ(stream.ChangeSequences().back(), 6u);
  EXPECT_TRUE(Eventually([&] {
    stream.Drain();
    return stream.Progresses() >= 2;
  }));
  EXPECT_FALSE(stream.finished());
  EXPECT_EQ(hub.size(), 1u);
}

TEST_F(WatchHubTest, AnExpiredCursorIsRefusedAtOnce) {
  for (int i = 0; i < 5; ++i) feed_.AppendUpdate("initiatives/a");
  feed_.Trim(4);
  FakeStream stream;
  WatchHub hub(&feed_, {});
  Open(hub, stream, 1);
  ASSERT_TRUE(stream.finished());
  EXPECT_EQ(stream.status().error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_EQ(hub.size(), 0u);
}

TEST_F(WatchHubTest, WatchesPerIdentityAreCapped) {
  feed_.AppendUpdate("initiatives/a");
  FakeStream a, b, c, other;
  WatchHub hub(&feed_, {.max_per_identity = 2});
  Open(hub, a, 1);
  Open(hub, b, 1);
  Open(hub, c, 1);
  Open(hub, other, 1, "another-identity");
  ASSERT_TRUE(c.finished());
  EXPECT_EQ(c.status().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_FALSE(a.finished());
  EXPECT_FALSE(other.finished());
  EXPECT_EQ(hub.size(), 3u);
}

TEST_F(WatchHubTest, AWatchFarBehindIsEndedAsTooSlow) {
  feed_.AppendUpdate("initiatives/a");
  FakeStream stream;
  WatchHub hub(&feed_, {.max_lag = 10});
  Open(hub, stream, 0);
  stream.Drain();  // caught up
  for (int i = 0; i < 30; ++i) feed_.AppendUpdate("initiatives/a");
  // The client takes the first new change and then stops reading for a while.
  hub.OnCommit(feed_.last_sequence());
  ASSERT_TRUE(Eventually([&] { return stream.Complete() || stream.finished(); }));
  stream.Drain();
  ASSERT_TRUE(Eventually([&] { return stream.finished(); }));
  EXPECT_EQ(stream.status().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(stream.status().error_message().find("changes behind"), std::string::npos);
}

TEST_F(WatchHubTest, AStalledClientIsCancelled) {
  feed_.AppendUpdate("initiatives/a");
  FakeStream stream;
  WatchHub hub(&feed_, {.progress_interval = absl::Milliseconds(20),
                        .stall_timeout = absl::Milliseconds(50)});
  Open(hub, stream, 0);  // the first write is never completed
  EXPECT_TRUE(Eventually([&] { return stream.cancels() > 0; }));
}

TEST_F(WatchHubTest, ShutdownEndsEveryWatchAsUnavailable) {
  feed_.AppendUpdate("initiatives/a");
  FakeStream first, second;
  WatchHub hub(&feed_, {});
  Open(hub, first, 0);
  Open(hub, second, 1);
  first.Drain();
  hub.Shutdown();
  first.Drain();
  second.Drain();
  ASSERT_TRUE(first.finished());
  ASSERT_TRUE(second.finished());
  EXPECT_EQ(first.status().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(hub.size(), 0u);
  FakeStream late;
  Open(hub, late, 0);
  ASSERT_TRUE(late.finished());
  EXPECT_EQ(late.status().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(WatchHubTest, AFeedErrorEndsTheWatchWithIt) {
  feed_.AppendUpdate("initiatives/a");
  FakeStream stream;
  WatchHub hub(&feed_, {});
  Open(hub, stream, 1);
  feed_.FailReads(absl::InternalError("disk on fire"));
  feed_.AppendUpdate("initiatives/a");
  hub.OnCommit(feed_.last_sequence());
  ASSERT_TRUE(Eventually([&] { return stream.finished(); }));
  EXPECT_EQ(stream.status().error_code(), grpc::StatusCode::INTERNAL);
}

TEST_F(WatchHubTest, ARevokedIdentityLosesItsWatchesAtOnce) {
  feed_.AppendUpdate("initiatives/a");
  FakeStream revoked, kept;
  WatchHub hub(&feed_, {});
  Open(hub, revoked, 0, "revoked");
  Open(hub, kept, 0, "kept");
  revoked.Drain();
  kept.Drain();
  hub.Reauthorize([](const std::string& identity, const std::string&) -> std::optional<Caller> {
    if (identity == "revoked") return std::nullopt;
    return Caller{identity, v1::READER, ""};
  });
  ASSERT_TRUE(revoked.finished());
  EXPECT_EQ(revoked.status().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(revoked.status().error_message().find("no longer in the principals file"),
            std::string::npos);
  EXPECT_FALSE(kept.finished());
  EXPECT_EQ(hub.size(), 1u);
}

TEST_F(WatchHubTest, ADemotedIdentityGetsEveryLaterChangeInItsNewRolesView) {
  for (int i = 0; i < 5; ++i) feed_.AppendUpdate("initiatives/a");
  FakeStream stream;
  WatchHub hub(&feed_, {});
  Open(hub, stream, 0, "lead", v1::LEAD);  // change 1 in flight, 2 to 5 read as LEAD
  hub.Reauthorize([](const std::string& identity, const std::string&) -> std::optional<Caller> {
    return Caller{identity, v1::READER, ""};
  });
  stream.Drain();
  EXPECT_EQ(stream.ChangeSequences(), (std::vector<uint64_t>{1, 2, 3, 4, 5}));  // none repeated
  EXPECT_EQ(stream.Actors(),
            (std::vector<std::string>{"LEAD", "READER", "READER", "READER", "READER"}));
  EXPECT_FALSE(stream.finished());
}

}  // namespace
}  // namespace psc::service
