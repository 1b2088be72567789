// Optimistic concurrency and idempotent retries under concurrent callers.

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/integration/registry_fixture.h"

namespace psc::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

class ConcurrencyTest : public RegistryTest {};

TEST_F(ConcurrencyTest, EightUpdatesWithTheSameEtagExactlyOneWins) {
  std::string lead = AddCollaborative("wessex");
  auto created = client_->CreateInitiative(MakeInitiative(lead), {.id = "huddles"});
  ASSERT_TRUE(created.ok());
  constexpr int kWriters = 8;
  std::atomic<int> ok{0}, aborted{0}, other{0};
  absl::Barrier* start = new absl::Barrier(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      v1::Initiative patch;
      patch.set_name(created->name());
      patch.set_title(absl::StrCat("Title from writer ", w));
      if (start->Block()) delete start;
      auto r = client_->UpdateInitiative(patch, {}, created->etag());
      if (r.ok()) {
        ++ok;
      } else if (r.status().code() == absl::StatusCode::kAborted &&
                 Reason(r.status()) == "ETAG_MISMATCH") {
        ++aborted;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(aborted, kWriters - 1);
  EXPECT_EQ(other, 0);
  // Exactly one write happened after the create.
  EXPECT_EQ(client_->ListInitiatives({})->sequence(), 3u);
}

TEST_F(ConcurrencyTest, RetriedRequestIdReturnsTheOriginalAndCreatesNothing) {
  std::string lead = AddCollaborative("wessex");
  v1::Initiative input = MakeInitiative(lead);
  auto first = client_->CreateInitiative(input, {.request_id = "req-1"});
  ASSERT_TRUE(first.ok()) << first.status();
  uint64_t sequence = client_->ListInitiatives({})->sequence();
  // Concurrent retries of the same request, as a client library would send them.
  std::vector<std::thread> retries;
  std::atomic<int> same{0};
  for (int r = 0; r < 4; ++r) {
    retries.emplace_back([&] {
      auto again = client_->CreateInitiative(input, {.request_id = "req-1"});
      if (again.ok() && MessageDifferencer::Equals(*again, *first)) ++same;
    });
  }
  for (auto& t : retries) t.join();
  EXPECT_EQ(same, 4);
  EXPECT_EQ(client_->ListAllInitiatives()->size(), 1u);
  EXPECT_EQ(client_->ListInitiatives({})->sequence(), sequence);

  // The same key with a different request is refused.
  v1::Initiative different = input;
  different.set_title("Another");
  auto reused = client_->CreateInitiative(different, {.request_id = "req-1"});
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Reason(reused.status()), "REQUEST_ID_REUSED");
  // A different key creates a second one.
  EXPECT_TRUE(client_->CreateInitiative(input, {.request_id = "req-2"}).ok());
  EXPECT_EQ(client_->ListAllInitiatives()->size(), 2u);
}

TEST_F(ConcurrencyTest, ConcurrentCreatesWithTheSameIdCreateOne) {
  std::string lead = AddCollaborative("wessex");
  std::atomic<int> ok{0}, exists{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto r = client_->CreateInitiative(MakeInitiative(lead), {.id = "same"});
      if (r.ok()) ++ok;
      if (r.status().code() == absl::StatusCode::kAlreadyExists) ++exists;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(exists, 7);
}

TEST_F(ConcurrencyTest, DeletingACollaborativeRacingAReferenceNeverLeavesADanglingOne) {
  for (int round = 0; round < 20; ++round) {
    std::string id = absl::StrCat("c", round);
    std::string name = AddCollaborative(id);
    absl::Status deleted;
    absl::StatusOr<v1::Expert> expert;
    std::thread a([&] { deleted = client_->DeleteCollaborative(name); });
    std::thread b([&] { expert = client_->CreateExpert(MakeExpert(name)); });
    a.join();
    b.join();
    // Either the expert exists and the collaborative too, or neither reference was made.
    EXPECT_NE(deleted.ok(), expert.ok()) << round;
    if (expert.ok()) {
      EXPECT_TRUE(client_->GetCollaborative(name).ok());
    }
  }
}

}  // namespace
}  // namespace psc::testing
