#include "tests/crash/crash_workload.h"

#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/testing/resources.h"

namespace psc::testing {

namespace v1 = registry::v1;

client::RegistryClient CrashClient(const std::string& target, absl::Duration deadline) {
  client::ClientOptions options;
  options.target = target;
  options.insecure = true;
  options.deadline = deadline;
  options.retry.max_attempts = 1;
  return client::RegistryClient(options);
}

void CrashWorkload::RunRound(const std::string& target, int round,
                             const std::function<void()>& cut) {
  if (round == 1) {
    auto admin = CrashClient(target, absl::Seconds(10));
    auto c = admin.CreateCollaborative(MakeCollaborative("Wessex"),
                                       {.id = "wessex", .request_id = "crash-wessex"});
    if (!c.ok()) std::cerr << "setup: " << c.status() << "\n";
    known_.resize(writers_);
    seen_.resize(watchers_);
  }
  cut_ = false;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers_; ++w) {
    threads.emplace_back([this, &target, w, round, &stop] { Write(target, w, round, stop); });
  }
  for (int w = 0; w < watchers_; ++w) {
    threads.emplace_back([this, &target, w, &stop] { Watch(target, w, stop); });
  }
  std::mt19937 random(round);
  absl::SleepFor(absl::Milliseconds(800 + random() % 1200));
  cut_ = true;  // before the crash: what is confirmed from now on may not survive it
  stop = true;  // no new call starts; those under way are cut off mid-flight
  cut();
  for (auto& t : threads) t.join();
}

// One writer: creates (with request ids), updates and deletes (with etags) its own experts.
void CrashWorkload::Write(const std::string& target, int writer, int round,
                          const std::atomic<bool>& stop) {
  auto client = CrashClient(target, absl::Seconds(2));
  std::mt19937 random(writer * 7919 + round);
  std::map<std::string, Known>& mine = known_[writer];
  for (int op = 0; !stop; ++op) {
    std::vector<std::string> live;
    for (auto& [name, k] : mine) {
      if (k.exists && !k.uncertain) live.push_back(name);
    }
    const int choice = live.empty() ? 0 : random() % 10;
    const std::string title = absl::StrCat("w", writer, "r", round, "o", op);
    if (op % 10 == 9) {
      // A case study now and then, for the feed's consumers (the Atlas sync in power-loss
      // rounds); the check is of the experts, so its outcome is not recorded.
      (void)client.CreateCaseStudy(MakeCaseStudy("collaboratives/wessex", title), {});
    } else if (choice < 5) {
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

void CrashWorkload::Record(Known* k, const absl::StatusOr<v1::Expert>& result,
                           const std::string& title, bool deleted) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cut_ && (result.ok() || OutcomeUnknown(result.status()))) {
    ++unknown_;
    k->uncertain = true;  // confirmed, or cut off, after the crash began: it may be lost
  } else if (result.ok()) {
    ++acknowledged_;
    k->exists = !deleted;
    k->title = title;
    k->etag = result->etag();
  } else if (OutcomeUnknown(result.status())) {
    ++unknown_;
    k->uncertain = true;  // it may or may not have committed
  } else {
    write_errors_.push_back(std::string(result.status().ToString()));
  }
}

// One watcher: every change, in order, from where it left off in the previous round.
void CrashWorkload::Watch(const std::string& target, int watcher, const std::atomic<bool>& stop) {
  auto client = CrashClient(target, absl::Hours(1));
  std::vector<v1::ChangeEvent>& seen = seen_[watcher];
  client::RegistryClient::WatchHandlers handlers;
  handlers.on_change = [&](const v1::ChangeEvent& e) {
    if (cut_) return false;  // sent after the crash began: it may not survive it
    seen.push_back(e);
    ++events_;
    return !stop;
  };
  while (!stop && !cut_) {
    const uint64_t after = seen.empty() ? 0 : seen.back().sequence();
    absl::Status s = client.WatchChanges(after, {}, handlers);
    if (!stop && !s.ok()) absl::SleepFor(absl::Milliseconds(20));
  }
}

std::vector<std::string> CrashWorkload::Check(const std::string& target) {
  std::vector<std::string> found_failures;
  std::vector<std::string>* failures = &found_failures;
  auto client = CrashClient(target, absl::Seconds(60));
  for (const std::string& e : write_errors_) failures->push_back("unexpected write error: " + e);
  // 1. Every acknowledged write is there, as acknowledged.
  auto experts = client.ListAllExperts();
  if (!experts.ok()) {
    failures->push_back(absl::StrCat("List: ", experts.status().ToString()));
    return found_failures;
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
      return found_failures;
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
          log[i].resource_name() != e.resource_name() || log[i].change_type() != e.change_type()) {
        failures->push_back(absl::StrCat("watcher ", w, ": event ", i, " (sequence ", e.sequence(),
                                         ") is not the log's"));
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
            << " change-log entries, " << events_ << " watched events, " << listed.size()
            << " experts searchable\n";
  return found_failures;
}

}  // namespace psc::testing
