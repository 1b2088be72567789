// The change feed: ordering, no gaps or duplicates, resumption, retention, roles and watches.

#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/create_channel.h"
#include "psc/registry/v1/registry_service.grpc.pb.h"
#include "server/common/notification.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/eventually.h"

namespace psc::testing {
namespace {

class ChangeFeedTest : public RegistryTest {
 protected:
  // A pscd with fast progress messages and the given extra flags.
  void Restart(std::vector<std::string> flags) {
    StopServer();
    flags.insert(flags.end(), {"--watch-progress-seconds", "0.2"});
    auto process = PscdProcess::Start({.data_dir = data_dir_.Sub("feed"), .extra_args = flags});
    ASSERT_TRUE(process.ok()) << process.status();
    pscd_ = *std::move(process);
    client_ = ClientAs("admin");
  }

  uint64_t CurrentSequence() { return client_->ListChanges({})->current_sequence(); }

  // Every change after `after` that `who` may see, through ListChanges pages of `page_size`.
  std::vector<v1::ChangeEvent> AllChanges(const std::string& who, uint64_t after = 0,
                                          int page_size = 100) {
    auto client = ClientAs(who);
    std::vector<v1::ChangeEvent> out;
    v1::ListChangesRequest request;
    request.set_after_sequence(after);
    request.set_page_size(page_size);
    while (true) {
      auto page = client->ListChanges(request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return out;
      out.insert(out.end(), page->changes().begin(), page->changes().end());
      if (page->next_after_sequence() >= page->current_sequence()) return out;
      request.set_after_sequence(page->next_after_sequence());
    }
  }
};

std::string Key(const v1::ChangeEvent& e) { return e.resource_name(); }

TEST_F(ChangeFeedTest, WatchersSeeEveryCommittedChangeInOrderWhileTenWritersRun) {
  Restart({});
  AddCollaborative("wessex");
  const uint64_t start = CurrentSequence();
  std::atomic<uint64_t> target{UINT64_MAX};
  constexpr int kWatchers = 3, kWriters = 10, kOpsPerWriter = 100;
  std::vector<std::vector<v1::ChangeEvent>> seen(kWatchers);
  std::vector<absl::Status> watch_status(kWatchers);
  std::vector<std::thread> watchers;
  for (int w = 0; w < kWatchers; ++w) {
    watchers.emplace_back([&, w] {
      auto client = ClientAs("admin");
      client::RegistryClient::WatchHandlers handlers;
      handlers.on_change = [&](const v1::ChangeEvent& e) {
        seen[w].push_back(e);
        return e.sequence() < target.load();
      };
      handlers.on_progress = [&](uint64_t sequence) { return sequence < target.load(); };
      watch_status[w] = client->WatchChanges(0, {}, handlers);
    });
  }
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      std::vector<v1::Expert> mine;
      for (int i = 0; i < kOpsPerWriter; ++i) {
        if (mine.empty() || i % 3 == 0) {
          auto e = client_->CreateExpert(MakeExpert("collaboratives/wessex"),
                                         {.id = absl::StrCat("w", t, "-", i)});
          ASSERT_TRUE(e.ok()) << e.status();
          mine.push_back(*e);
        } else if (i % 3 == 1) {
          v1::Expert patch;
          patch.set_name(mine.back().name());
          patch.set_days_per_month_offered(i % 31);
          google::protobuf::FieldMask mask;
          mask.add_paths("days_per_month_offered");
          ASSERT_TRUE(client_->UpdateExpert(patch, mask).ok());
        } else {
          ASSERT_TRUE(client_->DeleteExpert(mine.back().name()).ok());
          mine.pop_back();
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  const uint64_t last = CurrentSequence();
  target = last;
  for (auto& t : watchers) t.join();

  auto experts = client_->ListAllExperts();
  ASSERT_TRUE(experts.ok());
  for (int w = 0; w < kWatchers; ++w) {
    EXPECT_TRUE(watch_status[w].ok()) << watch_status[w];
    ASSERT_EQ(seen[w].size(), last) << "watcher " << w;
    std::map<std::string, v1::Expert> state;
    for (size_t i = 0; i < seen[w].size(); ++i) {
      const v1::ChangeEvent& e = seen[w][i];
      ASSERT_EQ(e.sequence(), i + 1) << "watcher " << w << ": a gap or duplicate";
      if (e.sequence() <= start || !e.has_expert()) continue;
      if (e.change_type() == v1::DELETED) {
        state.erase(Key(e));
      } else {
        state[Key(e)] = e.expert();
      }
    }
    ASSERT_EQ(state.size(), experts->size());
    for (const v1::Expert& e : *experts) {
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(state[e.name()], e));
    }
  }
}

TEST_F(ChangeFeedTest, ResumesFromTheLastDeliveredSequence) {
  Restart({});
  AddCollaborative("wessex");
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(client_->CreateExpert(MakeExpert("collaboratives/wessex")).ok());
  }
  std::vector<uint64_t> sequences;
  client::RegistryClient::WatchHandlers stop_after_ten;
  stop_after_ten.on_change = [&](const v1::ChangeEvent& e) {
    sequences.push_back(e.sequence());
    return sequences.size() < 10;  // drop the stream mid-way
  };
  ASSERT_TRUE(client_->WatchChanges(0, {}, stop_after_ten).ok());
  client::RegistryClient::WatchHandlers rest;
  rest.on_change = [&](const v1::ChangeEvent& e) {
    sequences.push_back(e.sequence());
    return e.sequence() < 31;
  };
  ASSERT_TRUE(client_->WatchChanges(sequences.back(), {}, rest).ok());
  ASSERT_EQ(sequences.size(), 31u);
  for (size_t i = 0; i < sequences.size(); ++i) EXPECT_EQ(sequences[i], i + 1);
  // ListChanges pages resume the same way.
  EXPECT_EQ(AllChanges("admin", 0, 7).size(), 31u);
  EXPECT_EQ(AllChanges("admin", 25).size(), 6u);
}

TEST_F(ChangeFeedTest, TrimmedCursorsExpireAndCursorsAheadAreRefused) {
  Restart({"--retention-count", "5", "--trim-interval-seconds", "0.1"});
  AddCollaborative("wessex");
  for (int i = 0; i < 19; ++i) {
    ASSERT_TRUE(client_->CreateExpert(MakeExpert("collaboratives/wessex")).ok());
  }
  ASSERT_TRUE(pscd_->WaitForLog("oldest retained sequence is now 16")) << pscd_->Log();
  v1::ListChangesRequest request;
  auto expired = client_->ListChanges(request);
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kOutOfRange);
  auto details = client::GetErrorDetails(expired.status());
  EXPECT_EQ(details.reason, "CURSOR_EXPIRED");
  EXPECT_EQ(details.metadata["oldest_retained_sequence"], "16");
  client::RegistryClient::WatchHandlers handlers;
  handlers.on_change = [](const v1::ChangeEvent&) { return false; };
  EXPECT_EQ(Reason(client_->WatchChanges(3, {}, handlers)), "CURSOR_EXPIRED");
  EXPECT_EQ(AllChanges("admin", 15).size(), 5u);

  request.set_after_sequence(1000);
  EXPECT_EQ(Reason(client_->ListChanges(request).status()), "CURSOR_AHEAD");
  request.set_after_sequence(20);
  request.add_kinds("widgets");
  EXPECT_EQ(Reason(client_->ListChanges(request).status()), "INVALID_KIND");
}

TEST_F(ChangeFeedTest, ChangesOlderThanTheRetentionAgeAreTrimmed) {
  Restart({"--retention-days", "0.00002", "--trim-interval-seconds", "0.2"});  // ~1.7 s
  AddCollaborative("wessex");
  ASSERT_TRUE(client_->CreateExpert(MakeExpert("collaboratives/wessex")).ok());
  ASSERT_TRUE(pscd_->WaitForLog("oldest retained sequence is now 3")) << pscd_->Log();
  EXPECT_EQ(Reason(client_->ListChanges({}).status()), "CURSOR_EXPIRED");
  EXPECT_TRUE(AllChanges("admin", 2).empty());  // the newest cursor is still valid
}

TEST_F(ChangeFeedTest, AtlasGetsPublishedCaseStudiesAndRemovalsOnly) {
  Restart({});
  AddCollaborative("wessex");
  ASSERT_TRUE(client_->CreateExpert(MakeExpert("collaboratives/wessex")).ok());
  v1::CaseStudy draft = MakeCaseStudy("collaboratives/wessex");
  draft.mutable_contact()->set_email("private@example.org");
  ASSERT_TRUE(client_->CreateCaseStudy(draft, {.id = "a"}).ok());  // draft: invisible
  v1::CaseStudy patch;
  patch.set_name("caseStudies/a");
  patch.set_publication_state(v1::PUBLISHED);
  ASSERT_TRUE(client_->UpdateCaseStudy(patch).ok());  // published: visible
  patch.set_publication_state(v1::WITHDRAWN);
  ASSERT_TRUE(client_->UpdateCaseStudy(patch).ok());  // withdrawn: a removal
  draft.set_publication_state(v1::PUBLISHED);
  ASSERT_TRUE(client_->CreateCaseStudy(draft, {.id = "b"}).ok());  // visible
  ASSERT_TRUE(client_->DeleteCaseStudy("caseStudies/b").ok());     // a removal
  ASSERT_TRUE(client_->CreateCaseStudy(MakeCaseStudy("collaboratives/wessex"), {.id = "c"}).ok());
  ASSERT_TRUE(client_->DeleteCaseStudy("caseStudies/c").ok());  // never visible: nothing

  std::vector<v1::ChangeEvent> atlas = AllChanges("atlas");
  ASSERT_EQ(atlas.size(), 4u);
  EXPECT_EQ(atlas[0].resource_name(), "caseStudies/a");
  EXPECT_EQ(atlas[0].change_type(), v1::UPDATED);
  EXPECT_EQ(atlas[0].case_study().publication_state(), v1::PUBLISHED);
  EXPECT_FALSE(atlas[0].case_study().has_contact());
  EXPECT_EQ(atlas[1].change_type(), v1::DELETED);  // the withdrawal, as a removal
  EXPECT_EQ(atlas[1].case_study().title(), "");
  EXPECT_EQ(atlas[2].change_type(), v1::CREATED);
  EXPECT_EQ(atlas[3].resource_name(), "caseStudies/b");
  EXPECT_EQ(atlas[3].change_type(), v1::DELETED);
  EXPECT_EQ(AllChanges("atlas", 2).size(), 4u);  // the draft's creation is not among them

  // A reader sees every event, without personal data.
  std::vector<v1::ChangeEvent> reader = AllChanges("reader");
  EXPECT_EQ(reader.size(), CurrentSequence());
  for (const auto& e : reader) {
    EXPECT_FALSE(e.expert().has_contact());
    EXPECT_FALSE(e.case_study().has_contact());
  }
}

TEST_F(ChangeFeedTest, IdleWatchesGetProgressWithTheCurrentSequence) {
  Restart({});
  AddCollaborative("wessex");
  std::vector<uint64_t> progress;
  client::RegistryClient::WatchHandlers handlers;
  handlers.on_change = [](const v1::ChangeEvent&) { return true; };
  handlers.on_progress = [&](uint64_t sequence) {
    progress.push_back(sequence);
    return progress.size() < 3;
  };
  ASSERT_TRUE(client_->WatchChanges(0, {"initiatives"}, handlers).ok());
  ASSERT_EQ(progress.size(), 3u);
  EXPECT_EQ(progress.back(), 1u);  // the collaborative, considered and filtered out
}

TEST_F(ChangeFeedTest, WatchesPerIdentityAreLimited) {
  Restart({"--max-watchers-per-identity", "2"});
  std::vector<std::thread> open;
  std::atomic<bool> stop{false};
  std::atomic<int> started{0};
  for (int i = 0; i < 2; ++i) {
    open.emplace_back([&] {
      auto client = ClientAs("reader");
      client::RegistryClient::WatchHandlers h;
      h.on_change = [&](const v1::ChangeEvent&) { return !stop; };
      h.on_progress = [&](uint64_t) {
        ++started;
        return !stop;
      };
      EXPECT_TRUE(client->WatchChanges(0, {}, h).ok());  // ended by its handler
    });
  }
  ASSERT_TRUE(Eventually([&] { return started >= 2; }));
  client::RegistryClient::WatchHandlers h;
  h.on_change = [](const v1::ChangeEvent&) { return false; };
  EXPECT_EQ(Reason(ClientAs("reader")->WatchChanges(0, {}, h)), "TOO_MANY_WATCHERS");
  // Another identity is not affected.
  h.on_progress = [](uint64_t) { return false; };
  EXPECT_TRUE(ClientAs("admin")->WatchChanges(0, {}, h).ok());
  stop = true;
  for (auto& t : open) t.join();
}

TEST_F(ChangeFeedTest, ASlowWatcherNeverStallsWriters) {
  Restart({});
  AddCollaborative("wessex");
  client::RegistryClient writer(ClientOptionsAs(pscd_->target(), "admin"));
  std::atomic<uint64_t> target{UINT64_MAX};
  std::vector<uint64_t> sequences;
  Notification first;
  Notification writers_done;
  std::thread slow([&] {
    client::RegistryClient::WatchHandlers h;
    h.on_change = [&](const v1::ChangeEvent& e) {
      sequences.push_back(e.sequence());
      if (sequences.size() == 1) {
        first.Notify();
        // Stalled until every write is acknowledged (well inside the 60 s stall timeout): the
        // writers finish without it.
        writers_done.WaitForNotification();
      }
      return e.sequence() < target;
    };
    h.on_progress = [&](uint64_t sequence) { return sequence < target; };
    EXPECT_TRUE(ClientAs("reader")->WatchChanges(0, {}, h).ok());  // ended by its handler
  });
  first.WaitForNotification();
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 750; ++i) {
        ASSERT_TRUE(writer
                        .CreateExpert(MakeExpert("collaboratives/wessex"),
                                      {.id = absl::StrCat("s", t, "-", i)})
                        .ok());
      }
    });
  }
  for (auto& t : writers) t.join();  // all 3,000 writes were acknowledged, watcher or not
  target = CurrentSequence();
  writers_done.Notify();
  slow.join();
  ASSERT_EQ(sequences.size(), 3001u);
  for (size_t i = 0; i < sequences.size(); ++i) ASSERT_EQ(sequences[i], i + 1);
}

std::string ReadPem(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(ChangeFeedTest, AWatcherThatFallsBehindIsEndedClearlyAndResumes) {
  Restart({"--watch-max-lag", "50"});
  AddCollaborative("wessex");
  // A raw stream with a small flow-control window and no window growth, so that a client that
  // does not read soon stops the server's writes for this stream.
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadPem(TestCertsDir() + "/ca.crt");
  ssl.pem_cert_chain = ReadPem(TestCertsDir() + "/reader.crt");
  ssl.pem_private_key = ReadPem(TestCertsDir() + "/reader.key");
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 4096);
  auto stub = v1::Registry::NewStub(
      grpc::CreateCustomChannel(pscd_->target(), grpc::SslCredentials(ssl), args));
  grpc::ClientContext context;
  v1::WatchChangesRequest request;
  request.set_after_sequence(1);
  auto reader = stub->WatchChanges(&context, request);
  // Only a watch that has caught up can fall behind (one still reading a backlog is not
  // lagging): wait for a progress message, which comes only once it has, before writing. (A
  // loaded machine may otherwise start the watch after most of the writes.)
  v1::WatchChangesResponse message;
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_FALSE(message.has_change());
  for (int i = 0; i < 600; ++i) {  // ~300 KB of changes the client does not read
    ASSERT_TRUE(client_->CreateExpert(MakeExpert("collaboratives/wessex")).ok());
  }
  // No wait needed: the server measures the lag each time a write completes, so the first
  // read below lets it find the watch 600 changes behind, whenever the client reads.
  std::vector<uint64_t> sequences;
  while (reader->Read(&message)) {
    if (message.has_change()) sequences.push_back(message.change().sequence());
  }
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_NE(status.error_message().find("watch again from sequence"), std::string::npos);
  ASSERT_FALSE(sequences.empty());
  ASSERT_LT(sequences.size(), 600u);
  for (size_t i = 0; i < sequences.size(); ++i) ASSERT_EQ(sequences[i], i + 2);
  // Resuming from the last sequence received delivers the rest, without gaps.
  client::RegistryClient::WatchHandlers handlers;
  handlers.on_change = [&](const v1::ChangeEvent& e) {
    sequences.push_back(e.sequence());
    return e.sequence() < 601;
  };
  absl::Status resumed = ClientAs("reader")->WatchChanges(sequences.back(), {}, handlers);
  ASSERT_TRUE(resumed.ok()) << resumed;
  ASSERT_EQ(sequences.size(), 600u);
  for (size_t i = 0; i < sequences.size(); ++i) ASSERT_EQ(sequences[i], i + 2);
}

// A raw watch stream as `who` whose client reads only when asked, with a small flow-control
// window so that unread messages stop the server's writes.
struct RawWatch {
  RawWatch(const std::string& target, const std::string& who, uint64_t after) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadPem(TestCertsDir() + "/ca.crt");
    ssl.pem_cert_chain = ReadPem(TestCertsDir() + "/" + who + ".crt");
    ssl.pem_private_key = ReadPem(TestCertsDir() + "/" + who + ".key");
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 4096);
    stub =
        v1::Registry::NewStub(grpc::CreateCustomChannel(target, grpc::SslCredentials(ssl), args));
    v1::WatchChangesRequest request;
    request.set_after_sequence(after);
    reader = stub->WatchChanges(&context, request);
  }
  std::unique_ptr<v1::Registry::Stub> stub;
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::WatchChangesResponse>> reader;
};

TEST_F(ChangeFeedTest, StopIsPromptWithAStalledWatcherAndTellsOthersWhereToResume) {
  Restart({});
  AddCollaborative("wessex");
  RawWatch stalled(pscd_->target(), "reader", 0);  // never reads
  RawWatch live(pscd_->target(), "reader", 0);
  for (int i = 0; i < 300; ++i) {  // far more than the stalled stream's window
    ASSERT_TRUE(client_->CreateExpert(MakeExpert("collaboratives/wessex")).ok());
  }
  uint64_t last = 0;
  v1::WatchChangesResponse message;
  while (last < 301 && live.reader->Read(&message)) {
    if (message.has_change()) last = message.change().sequence();
  }
  ASSERT_EQ(last, 301u);
  const absl::Time stop = absl::Now();
  pscd_->Signal(SIGTERM);
  while (live.reader->Read(&message)) {
  }
  grpc::Status ended = live.reader->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE) << ended.error_message();
  EXPECT_NE(ended.error_message().find("watch again from sequence 301"), std::string::npos)
      << ended.error_message();
  const int status = pscd_->Stop(0);  // waits for the exit
  const absl::Duration took = absl::Now() - stop;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << pscd_->Log();
  EXPECT_LT(took, absl::Seconds(3)) << "the stalled watcher held up the stop: " << pscd_->Log();
  std::cout << "stop with a stalled watcher took " << absl::FormatDuration(took) << "\n";
  stalled.context.TryCancel();
}

TEST_F(ChangeFeedTest, ListThenWatchBuildsAnExactCopy) {
  Restart({});
  AddCollaborative("wessex");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        client_
            ->CreateCaseStudy(MakeCaseStudy("collaboratives/wessex"), {.id = absl::StrCat("cs", i)})
            .ok());
  }
  std::map<std::string, v1::CaseStudy> copy;
  std::atomic<uint64_t> target{UINT64_MAX};
  Notification listed;
  client::RegistryClient::WatchHandlers handlers;
  handlers.on_change = [&](const v1::ChangeEvent& e) {
    if (e.change_type() == v1::DELETED) {
      copy.erase(e.resource_name());
    } else {
      copy[e.resource_name()] = e.case_study();
    }
    return e.sequence() < target;
  };
  handlers.on_progress = [&](uint64_t sequence) {
    if (!listed.HasBeenNotified()) listed.Notify();
    return sequence < target;
  };
  absl::Status status;
  std::thread follower([&] {
    status = ClientAs("admin")->ListThenWatch(
        "caseStudies",
        [&](const v1::RegistryRecord& r) { copy[r.case_study().name()] = r.case_study(); },
        handlers);
  });
  listed.WaitForNotification();
  ASSERT_TRUE(client_->DeleteCaseStudy("caseStudies/cs0").ok());
  ASSERT_TRUE(client_->CreateCaseStudy(MakeCaseStudy("collaboratives/wessex"), {.id = "new"}).ok());
  target = CurrentSequence();
  follower.join();
  ASSERT_TRUE(status.ok()) << status;
  auto all = client_->ListAllCaseStudies();
  ASSERT_EQ(copy.size(), all->size());
  for (const auto& c : *all) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(copy[c.name()], c)) << c.name();
  }
}

// Only a kind's collection can be listed then watched: a list of children (join requests take
// a parent) or an unknown name is refused before anything is called.
TEST_F(ChangeFeedTest, ListThenWatchRefusesWhatIsNotAKindsCollection) {
  client::RegistryClient::WatchHandlers handlers;
  handlers.on_change = [](const v1::ChangeEvent&) { return false; };
  for (const char* collection : {"joinRequests", "nonsense", ""}) {
    bool listed = false;
    absl::Status status = client_->ListThenWatch(
        collection, [&](const v1::RegistryRecord&) { listed = true; }, handlers);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << collection << ": " << status;
    EXPECT_FALSE(listed);
  }
}

}  // namespace
}  // namespace psc::testing
