// The HA chaos test: 3 etcd members and 3 pscd replicas (--store etcd) on loopback, writers
// spread over the replicas (creates retried with their request_id until the outcome is known,
// on another replica when theirs is down), a watcher per replica, and faults under load, each
// kind `--rounds` times: kill -9 of the etcd leader, kill -9 of a pscd, SIGSTOP of the etcd
// leader for 5 s, SIGSTOP of a pscd, and 2 of the 3 members down (writes refused, reads go
// on). After every fault, once writes flow again: every acknowledged write is on every replica
// with its etag; ListChanges from the start is the same on every replica (one digest) and
// gapless; every watcher saw each sequence once, in order, across reconnects; search on every
// replica finds every record. `--self-check` deletes a record in etcd behind pscd's back
// before the last check and passes only when that is caught. Usage: hatest [--rounds N]
// [--writers N] [--self-check]. Exit 0 when every check passes.

#include <signal.h>

#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "psc/client/error_details.h"
#include "psc/client/registry_client.h"
#include "tests/crash/expert_writes.h"
#include "tests/crash/ha_cluster.h"
#include "tests/testing/resources.h"
#include "tests/testing/temp_dir.h"

namespace psc::testing {
namespace {

namespace v1 = registry::v1;

constexpr int kReplicas = HaCluster::kReplicas;

class HaTest {
 public:
  HaTest(int writers, std::string only)
      : writers_(writers), only_(std::move(only)), known_(writers) {}

  std::vector<std::string> Run(int rounds, bool self_check) {
    if (absl::Status started = cluster_.Start(); !started.ok()) {
      return {"the cluster did not start: " + started.ToString()};
    }
    auto admin = cluster_.Client(0, absl::Seconds(20));
    if (!admin.CreateCollaborative(MakeCollaborative("Wessex"), {.id = "wessex"}).ok()) {
      return {"setup: cannot create the collaborative"};
    }
    std::vector<std::thread> threads;
    for (int w = 0; w < writers_; ++w) threads.emplace_back([this, w] { Write(w); });
    for (int r = 0; r < kReplicas; ++r) threads.emplace_back([this, r] { Watch(r); });

    using Fault = std::vector<std::string> (HaCluster::*)();
    const std::vector<std::pair<std::string, Fault>> faults = {
        {"kill -9 of the etcd leader", &HaCluster::KillEtcdLeader},
        {"kill -9 of a pscd", &HaCluster::KillReplica},
        {"SIGSTOP of the etcd leader for 5 s", &HaCluster::StopEtcdLeader},
        {"SIGSTOP of a pscd for 5 s", &HaCluster::StopReplica},
        {"2 of 3 etcd members down", &HaCluster::LoseQuorum},
    };
    absl::SleepFor(absl::Seconds(1));
    for (int round = 1; round <= rounds && failures_.empty(); ++round) {
      for (const auto& [name, fault] : faults) {
        if (!only_.empty() && name.find(only_) == std::string::npos) continue;
        const size_t acks_before = AckCount();
        const absl::Time start = absl::Now();
        for (const std::string& failure : (cluster_.*fault)()) Fail(name + ": " + failure);
        const absl::Time done = absl::Now();
        // Writes flow again: a few acknowledged after the fault ended.
        while (AckCount() < acks_before + 5 && absl::Now() - done < absl::Seconds(30)) {
          absl::SleepFor(absl::Milliseconds(50));
        }
        const absl::Duration gap = LongestGap(start);
        std::cout << "round " << round << ": " << name << ": longest time without an "
                  << "acknowledged write " << absl::FormatDuration(gap) << "\n";
        worst_[name] = std::max(worst_[name], gap);
        if (AckCount() < acks_before + 5) Fail(name + ": no write acknowledged 30 s after it");
        Check(name);
        if (!failures_.empty()) break;
      }
    }
    stop_ = true;
    for (auto& t : threads) t.join();
    if (self_check && failures_.empty()) {
      for (const std::string& failure : cluster_.DeleteBehindPscdsBack()) Fail(failure);
      Check("self-check");
    } else if (failures_.empty()) {
      Check("the end");
    }
    for (const auto& [name, gap] : worst_) {
      std::cout << "worst, " << name << ": " << absl::FormatDuration(gap) << "\n";
    }
    std::cout << acks_ << " acknowledged writes (" << unknown_ << " outcomes unknown), " << events_
              << " events watched\n";
    return failures_;
  }

 private:
  // Creates retried (on the next replica) with their request id until the outcome is known;
  // updates and deletes once, with the etag (an unknown outcome leaves the record uncertain).
  void Write(int w) {
    std::mt19937 random(w);
    for (int op = 0; !stop_; ++op) {
      ++writing_;
      if (paused_) {
        --writing_;
        absl::SleepFor(absl::Milliseconds(20));
        continue;
      }
      std::vector<std::string> live;
      std::map<std::string, std::string> etags;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto& [name, k] : known_[w]) {
          if (k.exists && !k.uncertain) {
            live.push_back(name);
            etags[name] = k.etag;
          }
        }
      }
      const int choice = live.empty() ? 0 : random() % 10;
      const std::string title = absl::StrCat("w", w, "o", op);
      int replica = (w + op) % kReplicas;
      auto client = cluster_.Client(replica, absl::Seconds(3));
      if (choice < 6) {
        const std::string id = absl::StrCat("e-", w, "-", op);
        v1::Expert expert = MakeExpert("collaboratives/wessex", "Chaos Expert");
        expert.set_job_title(title);
        absl::StatusOr<v1::Expert> created = absl::UnavailableError("not tried");
        for (int attempt = 0; !stop_ || attempt == 0; ++attempt) {
          auto c = cluster_.Client((replica + attempt) % kReplicas, absl::Seconds(3));
          created = c.CreateExpert(expert, {.id = id, .request_id = id});
          if (!OutcomeUnknown(created.status())) break;
          absl::SleepFor(absl::Milliseconds(100));
        }
        Record(w, "experts/" + id, created, title, false);
      } else if (choice < 9) {
        const std::string& name = live[random() % live.size()];
        Record(w, name, Retitle(client, name, title, etags[name]), title, false);
      } else {
        const std::string& name = live[random() % live.size()];
        Record(w, name, Delete(client, name, etags[name]), "", true);
      }
      --writing_;
    }
  }

  void Record(int w, const std::string& name, const absl::StatusOr<v1::Expert>& result,
              const std::string& title, bool deleted) {
    std::lock_guard<std::mutex> lock(mu_);
    Known* k = &known_[w][name];
    if (result.ok()) {
      ++acks_;
      ack_times_.push_back(absl::Now());
      k->exists = !deleted;
      k->title = title;
      k->etag = result->etag();
    } else if (OutcomeUnknown(result.status())) {
      ++unknown_;
      k->uncertain = true;
    } else {
      failures_.push_back("unexpected write error: " + result.status().ToString());
    }
  }

  // One watcher per replica, resuming after the last sequence it saw.
  void Watch(int r) {
    std::vector<v1::ChangeEvent>& seen = seen_[r];
    client::RegistryClient::WatchHandlers handlers;
    handlers.on_change = [&](const v1::ChangeEvent& e) {
      std::lock_guard<std::mutex> lock(mu_);
      seen.push_back(e);
      ++events_;
      return !stop_;
    };
    handlers.on_progress = [&](uint64_t) { return !stop_; };  // ends an idle watch at the end
    while (!stop_) {
      uint64_t after;
      {
        std::lock_guard<std::mutex> lock(mu_);
        after = seen.empty() ? 0 : seen.back().sequence();
      }
      auto client = cluster_.Client(r, absl::Hours(1));
      absl::Status s = client.WatchChanges(after, {}, handlers);
      if (!stop_ && !s.ok()) absl::SleepFor(absl::Milliseconds(100));
    }
  }

  size_t AckCount() {
    std::lock_guard<std::mutex> lock(mu_);
    return ack_times_.size();
  }

  // The longest stretch without an acknowledged write since `since`, up to now.
  absl::Duration LongestGap(absl::Time since) {
    std::lock_guard<std::mutex> lock(mu_);
    absl::Time last = since;
    absl::Duration longest;
    for (absl::Time t : ack_times_) {
      if (t < since) continue;
      longest = std::max(longest, t - last);
      last = t;
    }
    return std::max(longest, absl::Now() - last);
  }

  void Fail(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.push_back(what);
  }

  void Check(const std::string& after) {
    paused_ = true;
    while (writing_ > 0) absl::SleepFor(absl::Milliseconds(10));
    CheckPaused(after);
    paused_ = false;
  }

  void CheckPaused(const std::string& after) {
    const size_t failed_before = failures_.size();
    std::vector<std::vector<v1::ChangeEvent>> logs(kReplicas);
    std::vector<std::map<std::string, v1::Expert>> listed(kReplicas);
    // Every replica caught up with the same last change (the mirrors follow etcd).
    uint64_t last = 0;
    for (int r = 0; r < kReplicas; ++r) {
      auto client = cluster_.Client(r, absl::Seconds(30));
      auto page = client.ListCollaboratives({});
      if (page.ok()) last = std::max(last, page->sequence());
    }
    for (int r = 0; r < kReplicas; ++r) {
      auto client = cluster_.Client(r, absl::Seconds(30));
      v1::SearchRequest wait;
      wait.set_min_sequence(last);
      wait.set_page_size(1);
      wait.add_kinds("experts");
      auto found = client.Search(wait);
      for (uint64_t after_seq = 0;;) {
        v1::ListChangesRequest request;
        request.set_after_sequence(after_seq);
        request.set_page_size(1000);
        auto page = client.ListChanges(request);
        if (!page.ok()) {
          Fail(absl::StrCat(after, ": replica ", r, ": ListChanges: ", page.status().ToString()));
          break;
        }
        for (const auto& e : page->changes()) logs[r].push_back(e);
        if (page->changes().empty()) break;
        after_seq = page->next_after_sequence();
      }
      auto experts = client.ListAllExperts();
      if (!experts.ok()) {
        Fail(absl::StrCat(after, ": replica ", r, ": List: ", experts.status().ToString()));
        continue;
      }
      for (auto& e : *experts) listed[r][e.name()] = e;
      if (!found.ok() || found->total_size() != static_cast<int64_t>(listed[r].size())) {
        Fail(
            absl::StrCat(after, ": replica ", r, ": search finds ",
                         found.ok() ? absl::StrCat(found->total_size()) : found.status().ToString(),
                         " experts, List has ", listed[r].size()));
      }
    }
    // One log: gapless, and the same digest everywhere.
    std::vector<std::string> digests;
    for (int r = 0; r < kReplicas; ++r) {
      std::string digest;
      for (size_t i = 0; i < logs[r].size(); ++i) {
        if (logs[r][i].sequence() != i + 1) {
          Fail(absl::StrCat(after, ": replica ", r, ": change log gap at entry ", i));
          break;
        }
        digest += logs[r][i].SerializeAsString();
      }
      digests.push_back(absl::StrCat(logs[r].size(), ":", std::hash<std::string>()(digest)));
      if (r > 0 && digests[r] != digests[0]) {
        Fail(absl::StrCat(after, ": replica ", r, "'s change log (", digests[r],
                          ") differs from replica 0's (", digests[0], ")"));
      }
    }
    // Every acknowledged write, with its etag, on every replica; the log replays into List.
    int64_t checked = 0;
    std::lock_guard<std::mutex> lock(mu_);
    for (int r = 0; r < kReplicas; ++r) {
      for (const auto& mine : known_) {
        for (const auto& [name, k] : mine) {
          if (k.uncertain) continue;
          ++checked;
          auto it = listed[r].find(name);
          if (k.exists && (it == listed[r].end() || it->second.etag() != k.etag)) {
            failures_.push_back(absl::StrCat(after, ": replica ", r, ": lost: ", name));
          } else if (!k.exists && it != listed[r].end()) {
            failures_.push_back(absl::StrCat(after, ": replica ", r, ": deleted is back: ", name));
          }
        }
      }
      std::map<std::string, std::string> replayed, current;
      for (const auto& e : logs[r]) {
        if (!e.has_expert()) continue;
        if (e.change_type() == v1::DELETED) {
          replayed.erase(e.resource_name());
        } else {
          replayed[e.resource_name()] = e.expert().etag();
        }
      }
      for (const auto& [name, e] : listed[r]) current[name] = e.etag();
      if (replayed != current) {
        failures_.push_back(absl::StrCat(after, ": replica ", r, ": the log replays into ",
                                         replayed.size(), " experts, List has ", current.size()));
      }
    }
    // Watchers: each sequence once, in order, the log's.
    for (int r = 0; r < kReplicas; ++r) {
      for (size_t i = 0; i < seen_[r].size(); ++i) {
        const v1::ChangeEvent& e = seen_[r][i];
        if (e.sequence() != i + 1 || i >= logs[0].size() ||
            logs[0][i].resource_name() != e.resource_name()) {
          failures_.push_back(absl::StrCat(after, ": watcher on replica ", r, ": event ", i,
                                           " (sequence ", e.sequence(), ") is not the log's"));
          break;
        }
      }
    }
    std::cout << "  checked after " << after << ": " << checked / kReplicas
              << " records with a known outcome on " << kReplicas << " replicas, " << logs[0].size()
              << " changes, digest " << digests[0] << ", watchers saw " << seen_[0].size() << "/"
              << seen_[1].size() << "/" << seen_[2].size()
              << (failures_.size() > failed_before ? " FAILED" : "") << "\n";
  }

  const int writers_;
  const std::string only_;  // run only the faults whose name contains it
  TempDir dir_;
  HaCluster cluster_{dir_.path()};
  std::atomic<bool> stop_{false};
  // Checks pause the writers: what is acknowledged must not move while it is compared.
  std::atomic<bool> paused_{false};
  std::atomic<int> writing_{0};
  std::mutex mu_;  // guards what follows
  std::vector<std::map<std::string, Known>> known_;
  std::vector<v1::ChangeEvent> seen_[kReplicas];
  std::vector<absl::Time> ack_times_;
  int64_t acks_ = 0, unknown_ = 0, events_ = 0;
  std::vector<std::string> failures_;
  std::map<std::string, absl::Duration> worst_;
};

}  // namespace
}  // namespace psc::testing

int main(int argc, char** argv) {
  int rounds = 1, writers = 6;
  bool self_check = false;
  std::string only;
  CLI::App app{"hatest: faults against 3 etcd members and 3 pscd replicas under load"};
  app.add_option("--rounds", rounds, "rounds of every fault kind")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--writers", writers, "concurrent writers")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--only", only,
                 "run only the faults whose description contains this (e.g. \"pscd\")");
  app.add_flag("--self-check", self_check,
               "delete a record in etcd behind pscd's back before the last check: must be "
               "caught (exit 0 when it is)");
  CLI11_PARSE(app, argc, argv);
  if (!psc::testing::EtcdCluster::Installed()) {
    std::cout << "hatest: etcd is not installed (tools/install-deps installs etcd-server)\n";
    return 1;
  }
  std::cout << std::unitbuf;  // progress as it happens, even when killed
  const absl::Time start = absl::Now();
  psc::testing::HaTest test(writers, only);
  std::vector<std::string> failures = test.Run(rounds, self_check);
  for (size_t i = 0; i < failures.size() && i < 20; ++i)
    std::cout << "FAIL " << failures[i] << "\n";
  if (failures.size() > 20) std::cout << "... and " << failures.size() - 20 << " more\n";
  std::cout << rounds << " round(s) of 5 faults in " << absl::FormatDuration(absl::Now() - start)
            << ": "
            << (failures.empty() ? "no acknowledged write lost, logs equal, no watch anomaly"
                                 : absl::StrCat(failures.size(), " failures"))
            << "\n";
  if (self_check) {
    std::cout << (failures.empty() ? "self-check FAILED: the change behind pscd's back went "
                                     "unnoticed\n"
                                   : "self-check passed: the change behind pscd's back was "
                                     "caught\n");
    return failures.empty() ? 1 : 0;
  }
  return failures.empty() ? 0 : 1;
}
