// The crash test: rounds of kill -9 against a real pscd (fsync on) under concurrent writers and
// watchers, then checks that nothing acknowledged was lost. Usage: crashtest [--rounds N]
// [--writers N] [--watchers N] [--self-check]. Exit 0 when every check passes; with
// --self-check, exit 0 only when the checker catches a planted loss (an old copy of the data
// dir restored before the final check), which proves it can fail.

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "psc/client/error_details.h"
#include "psc/client/registry_client.h"
#include "tests/crash/expert_writes.h"
#include "tests/testing/pscd_process.h"
#include "tests/testing/resources.h"
#include "tests/testing/temp_dir.h"

namespace psc::testing {
namespace {

namespace v1 = registry::v1;

struct Totals {
  std::atomic<int64_t> acknowledged{0}, unknown{0}, events{0};
};

class CrashTest {
 public:
  CrashTest(int writers, int watchers) : writers_(writers), watchers_(watchers) {}

  // Runs `rounds` rounds and the final check; the failures found.
  std::vector<std::string> Run(int rounds, bool self_check) {
    std::vector<std::string> failures;
    std::string snapshot;  // an early copy of the data dir, for --self-check
    for (int round = 1; round <= rounds; ++round) {
      if (!Start()) return {"pscd did not start: " + start_error_};
      RunRound(round);
      pscd_->Stop(SIGKILL);
      std::cout << "round " << round << ": killed after " << totals_.acknowledged
                << " acknowledged writes in all (" << totals_.unknown << " outcomes unknown), "
                << totals_.events << " events watched\n";
      if (self_check && round == 1) {
        snapshot = dir_.Sub("snapshot");
        std::filesystem::copy(dir_.Sub("data"), snapshot, std::filesystem::copy_options::recursive);
      }
    }
    if (self_check) {
      std::filesystem::remove_all(dir_.Sub("data"));
      std::filesystem::rename(snapshot, dir_.Sub("data"));
      std::cout << "self-check: restored the data dir as it was after round 1\n";
    }
    if (!Start()) return {"pscd did not restart: " + start_error_};
    Check(&failures);
    return failures;
  }

 private:
  bool Start() {
    PscdProcess::Options options{.data_dir = dir_.Sub("data"), .fsync = true, .insecure = true};
    if (port_ != 0) options.listen = absl::StrCat("127.0.0.1:", port_);
    auto pscd = PscdProcess::Start(options);
    if (!pscd.ok()) {
      start_error_ = std::string(pscd.status().message());
      return false;
    }
    pscd_ = *std::move(pscd);
    target_ = pscd_->target();
    port_ = std::stoi(target_.substr(target_.rfind(':') + 1));
    return true;
  }

  client::RegistryClient Client(absl::Duration deadline) {
    client::ClientOptions options;
    options.target = target_;
    options.insecure = true;
    options.deadline = deadline;
    options.retry.max_attempts = 1;  // an unknown outcome must stay unknown
    return client::RegistryClient(options);
  }

  void RunRound(int round) {
    if (round == 1) {
      auto admin = Client(absl::Seconds(10));
      auto c = admin.CreateCollaborative(MakeCollaborative("Wessex"),
                                         {.id = "wessex", .request_id = "crash-wessex"});
      if (!c.ok()) std::cerr << "setup: " << c.status() << "\n";
      known_.resize(writers_);
      seen_.resize(watchers_);
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers_; ++w) {
      threads.emplace_back([this, w, round, &stop] { Write(w, round, stop); });
    }
    for (int w = 0; w < watchers_; ++w) threads.emplace_back([this, w, &stop] { Watch(w, stop); });
    std::mt19937 random(round);
    absl::SleepFor(absl::Milliseconds(800 + random() % 1200));
    ::kill(pscd_->pid(), SIGKILL);  // mid-flight: writes and watches are cut off
    stop = true;
    for (auto& t : threads) t.join();
  }

  // One writer: creates (with request ids), updates and deletes (with etags) its own experts.
  void Write(int writer, int round, const std::atomic<bool>& stop) {
    auto client = Client(absl::Seconds(2));
    std::mt19937 random(writer * 7919 + round);
    std::map<std::string, Known>& mine = known_[writer];
    for (int op = 0; !stop; ++op) {
      std::vector<std::string> live;
      for (auto& [name, k] : mine) {
        if (k.exists && !k.uncertain) live.push_back(name);
      }
      const int choice = live.empty() ? 0 : random() % 10;
      const std::string title = absl::StrCat("w", writer, "r", round, "o", op);
      if (choice < 5) {
        const std::string id = absl::StrCat("e-", writer, "-", round, "-", op);
        v1::Expert expert = MakeExpert("collaboratives/wessex", "Crash Expert");
        expert.set_job_title(title);
        auto created = client.CreateExpert(expert, {.id = id, .request_id = id});
        Record(&mine["experts/" + id], created, title, /*deleted=*/false);
      } else if (choice < 8) {
        const std::string& name = live[random() % live.size()];
        Record(&mine[name], Retitle(client, name, title, mine[name].etag), title, false);
      } else {
        const std::string& name = live[random() % live.size()];
        Record(&mine[name], Delete(client, name, mine[name].etag), "", true);
      }
    }
  }

  void Record(Known* k, const absl::StatusOr<v1::Expert>& result, const std::string& title,
              bool deleted) {
    std::lock_guard<std::mutex> lock(mu_);
    if (result.ok()) {
      ++totals_.acknowledged;
      k->exists = !deleted;
      k->title = title;
      k->etag = result->etag();
    } else if (OutcomeUnknown(result.status())) {
      ++totals_.unknown;
      k->uncertain = true;  // it may or may not have committed
    } else {
      std::lock_guard<std::mutex> f(failures_mu_);
      write_errors_.push_back(std::string(result.status().ToString()));
    }
  }

  // One watcher: every change, in order, from where it left off in the previous round.
  void Watch(int watcher, const std::atomic<bool>& stop) {
    auto client = Client(absl::Hours(1));
    std::vector<v1::ChangeEvent>& seen = seen_[watcher];
    client::RegistryClient::WatchHandlers handlers;
    handlers.on_change = [&](const v1::ChangeEvent& e) {
      seen.push_back(e);
      ++totals_.events;
      return !stop;
    };
    while (!stop) {
      const uint64_t after = seen.empty() ? 0 : seen.back().sequence();
      absl::Status s = client.WatchChanges(after, {}, handlers);
      if (!stop && !s.ok()) absl::SleepFor(absl::Milliseconds(20));
    }
  }

  void Check(std::vector<std::string>* failures) {
    auto client = Client(absl::Seconds(60));
    for (const std::string& e : write_errors_) failures->push_back("unexpected write error: " + e);
    // 1. Every acknowledged write is there, as acknowledged.
    auto experts = client.ListAllExperts();
    if (!experts.ok()) {
      failures->push_back(absl::StrCat("List: ", experts.status().ToString()));
      return;
    }
    std::map<std::string, v1::Expert> listed;
    for (auto& e : *experts) listed[e.name()] = e;
    int64_t checked = 0;
    for (const auto& mine : known_) {
      for (const auto& [name, k] : mine) {
        if (k.uncertain) continue;
        ++checked;
        auto it = listed.find(name);
        if (k.exists && it == listed.end()) {
          failures->push_back("lost: " + name + " was acknowledged and is gone");
        } else if (k.exists && it->second.job_title() != k.title) {
          failures->push_back("lost: " + name + " has \"" + it->second.job_title() +
                              "\", not the acknowledged \"" + k.title + "\"");
        } else if (!k.exists && it != listed.end()) {
          failures->push_back("lost: " + name + " was deleted (acknowledged) and is back");
        }
      }
    }
    // 2. The change log is gapless and replays into what List shows.
    std::vector<v1::ChangeEvent> log;
    for (uint64_t after = 0;;) {
      v1::ListChangesRequest request;
      request.set_after_sequence(after);
      request.set_page_size(1000);
      auto page = client.ListChanges(request);
      if (!page.ok()) {
        failures->push_back("ListChanges: " + page.status().ToString());
        return;
      }
      for (const auto& e : page->changes()) log.push_back(e);
      if (page->next_after_sequence() == after || page->changes().empty()) break;
      after = page->next_after_sequence();
    }
    std::map<std::string, std::string> replayed;  // expert name -> job title
    for (size_t i = 0; i < log.size(); ++i) {
      if (log[i].sequence() != i + 1) {
        failures->push_back(
            absl::StrCat("change log gap: entry ", i, " has sequence ", log[i].sequence()));
        break;
      }
      if (!log[i].has_expert()) continue;
      if (log[i].change_type() == v1::DELETED) {
        replayed.erase(log[i].resource_name());
      } else {
        replayed[log[i].resource_name()] = log[i].expert().job_title();
      }
    }
    std::map<std::string, std::string> current;
    for (const auto& [name, e] : listed) current[name] = e.job_title();
    if (replayed != current) {
      failures->push_back(absl::StrCat("the change log replays into ", replayed.size(),
                                       " experts, List has ", current.size()));
    }
    // 3. Watchers saw the log: no gap, duplicate or phantom.
    for (size_t w = 0; w < seen_.size(); ++w) {
      for (size_t i = 0; i < seen_[w].size(); ++i) {
        const v1::ChangeEvent& e = seen_[w][i];
        if (e.sequence() != i + 1 || e.sequence() > log.size() ||
            log[i].resource_name() != e.resource_name() ||
            log[i].change_type() != e.change_type()) {
          failures->push_back(absl::StrCat("watcher ", w, ": event ", i, " (sequence ",
                                           e.sequence(), ") is not the log's"));
          break;
        }
      }
    }
    // 4. Search finds every record after the restart.
    v1::SearchRequest search;
    search.add_kinds("experts");
    search.set_min_sequence(log.empty() ? 0 : log.back().sequence());
    search.set_page_size(1);
    auto found = client.Search(search);
    if (!found.ok()) {
      failures->push_back("Search: " + found.status().ToString());
    } else if (found->total_size() != static_cast<int64_t>(listed.size())) {
      failures->push_back(
          absl::StrCat("search finds ", found->total_size(), " experts, List has ", listed.size()));
    }
    std::cout << "checked " << checked << " records with a known outcome, " << log.size()
              << " change-log entries, " << totals_.events << " watched events, " << listed.size()
              << " experts searchable\n";
  }

  const int writers_;
  const int watchers_;
  TempDir dir_;
  std::unique_ptr<PscdProcess> pscd_;
  std::string target_;
  std::string start_error_;
  int port_ = 0;
  std::mutex mu_;                                    // guards known_ entries' updates
  std::vector<std::map<std::string, Known>> known_;  // per writer
  std::vector<std::vector<v1::ChangeEvent>> seen_;   // per watcher, across rounds
  Totals totals_;
  std::mutex failures_mu_;
  std::vector<std::string> write_errors_;
};

}  // namespace
}  // namespace psc::testing

int main(int argc, char** argv) {
  int rounds = 3, writers = 8, watchers = 2;
  bool self_check = false;
  CLI::App app{
      "crashtest: kill -9 rounds against pscd under load; checks nothing acknowledged "
      "is lost"};
  app.add_option("--rounds,rounds", rounds, "kill -9 rounds")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--writers", writers, "concurrent writers")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--watchers", watchers, "concurrent watchers")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  app.add_flag("--self-check", self_check,
               "restore an old copy of the data dir before checking: must be caught (exit 0 "
               "when it is)");
  CLI11_PARSE(app, argc, argv);
  const absl::Time start = absl::Now();
  psc::testing::CrashTest test(writers, watchers);
  std::vector<std::string> failures = test.Run(rounds, self_check);
  for (const std::string& f : failures) std::cout << "FAIL " << f << "\n";
  std::cout << rounds << " rounds in " << absl::FormatDuration(absl::Now() - start) << ": "
            << (failures.empty() ? "no acknowledged write lost, no watch anomaly"
                                 : absl::StrCat(failures.size(), " failures"))
            << "\n";
  if (self_check) {
    std::cout << (failures.empty() ? "self-check FAILED: the planted loss went unnoticed\n"
                                   : "self-check passed: the planted loss was caught\n");
    return failures.empty() ? 1 : 0;
  }
  return failures.empty() ? 0 : 1;
}
