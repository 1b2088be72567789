#include "tests/crash/ha_cluster.h"

#include <signal.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "psc/client/error_details.h"
#include "server/etcd/etcd_client.h"
#include "tests/testing/resources.h"

namespace psc::testing {

absl::Status HaCluster::Start() {
  auto cluster = EtcdCluster::Start({.dir = dir_ + "/etcd", .members = 3});
  if (!cluster.ok()) return cluster.status();
  etcd_ = *std::move(cluster);
  for (int r = 0; r < kReplicas; ++r) {
    if (absl::Status s = StartReplica(r); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status HaCluster::StartReplica(int r) {
  const std::string certs = TestCertsDir();
  PscdProcess::Options options{
      .data_dir = absl::StrCat(dir_, "/pscd", r),
      .insecure = true,
      .extra_args = {"--store", "etcd:" + etcd_->endpoints(), "--etcd-ca", certs + "/ca.crt",
                     "--etcd-cert", certs + "/admin.crt", "--etcd-key", certs + "/admin.key",
                     "--etcd-prefix", kPrefix, "--watch-progress-seconds", "1"}};
  if (!targets_[r].empty()) options.listen = targets_[r];
  auto pscd = PscdProcess::Start(options);
  if (!pscd.ok()) return absl::UnavailableError("pscd did not start: " + pscd.status().ToString());
  std::lock_guard<std::mutex> lock(mu_);
  replicas_[r] = *std::move(pscd);
  targets_[r] = replicas_[r]->target();
  return absl::OkStatus();
}

client::RegistryClient HaCluster::Client(int r, absl::Duration deadline) {
  client::ClientOptions options;
  {
    std::lock_guard<std::mutex> lock(mu_);
    options.target = targets_[r];
  }
  options.insecure = true;
  options.deadline = deadline;
  options.retry.max_attempts = 1;  // retries are the writer's own, with its request ids
  return client::RegistryClient(options);
}

int HaCluster::EtcdLeader() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    for (int m = 0; m < 3; ++m) {
      if (!etcd_->running(m)) continue;
      auto client = etcd::Client::Create({.endpoints = {etcd_->client_urls()[m]},
                                          .ca_file = TestCertsDir() + "/ca.crt",
                                          .cert_file = TestCertsDir() + "/admin.crt",
                                          .key_file = TestCertsDir() + "/admin.key"});
      etcdserverpb::StatusResponse status;
      if (client.ok() && (*client)->Status(&status).ok() && status.leader() != 0 &&
          status.leader() == status.header().member_id()) {
        return m;
      }
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return 0;
}

std::vector<std::string> HaCluster::KillEtcdLeader() {
  const int leader = EtcdLeader();
  etcd_->Signal(leader, SIGKILL);
  absl::SleepFor(absl::Seconds(2));
  if (absl::Status s = etcd_->Restart(leader); !s.ok()) return {"etcd restart: " + s.ToString()};
  return {};
}

std::vector<std::string> HaCluster::StopEtcdLeader() {
  const int leader = EtcdLeader();
  etcd_->Signal(leader, SIGSTOP);
  absl::SleepFor(absl::Seconds(5));
  etcd_->Signal(leader, SIGCONT);
  return {};
}

std::vector<std::string> HaCluster::KillReplica() {
  const int r = next_replica_++ % kReplicas;
  {
    std::lock_guard<std::mutex> lock(mu_);
    replicas_[r]->Stop(SIGKILL);
  }
  absl::SleepFor(absl::Seconds(1));
  if (absl::Status s = StartReplica(r); !s.ok()) return {std::string(s.message())};
  return {};
}

std::vector<std::string> HaCluster::StopReplica() {
  const int r = next_replica_++ % kReplicas;
  PscdProcess* stopped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped = replicas_[r].get();  // replaced only by KillReplica, on this thread
  }
  stopped->Signal(SIGSTOP);
  absl::SleepFor(absl::Seconds(5));
  stopped->Signal(SIGCONT);
  return {};
}

// Two members down: writes are refused with NO_QUORUM, reads go on, on every replica.
std::vector<std::string> HaCluster::LoseQuorum() {
  std::vector<std::string> failures;
  const int keep = EtcdLeader();
  std::vector<int> down;
  for (int m = 0; m < 3; ++m) {
    if (m != keep) {
      etcd_->Signal(m, SIGKILL);
      down.push_back(m);
    }
  }
  absl::SleepFor(absl::Seconds(3));
  for (int r = 0; r < kReplicas; ++r) {
    auto client = Client(r, absl::Seconds(10));
    if (!client.GetCollaborative("collaboratives/wessex").ok()) {
      failures.push_back(absl::StrCat("replica ", r, " did not serve a read without quorum"));
    }
    auto refused = client.CreateCollaborative(MakeCollaborative("No quorum"),
                                              {.id = absl::StrCat("nq", r, next_replica_)});
    if (refused.ok() || client::GetErrorDetails(refused.status()).reason != "NO_QUORUM") {
      failures.push_back(absl::StrCat("replica ", r, " without quorum answered a write with ",
                                      refused.status().ToString(), ", not NO_QUORUM"));
    }
  }
  for (int m : down) {
    if (absl::Status s = etcd_->Restart(m); !s.ok())
      failures.push_back("etcd restart: " + s.ToString());
  }
  return failures;
}

std::vector<std::string> HaCluster::DeleteBehindPscdsBack() {
  auto client = etcd::Client::Create({.endpoints = etcd_->client_urls(),
                                      .ca_file = TestCertsDir() + "/ca.crt",
                                      .cert_file = TestCertsDir() + "/admin.crt",
                                      .key_file = TestCertsDir() + "/admin.key"});
  etcdserverpb::RangeRequest range;
  range.set_key(std::string(kPrefix) + "r");
  range.set_range_end(std::string(kPrefix) + "s");
  range.set_keys_only(true);
  etcdserverpb::RangeResponse keys;
  if (!client.ok() || !(*client)->Range(range, &keys).ok()) return {"self-check: no etcd"};
  for (const auto& kv : keys.kvs()) {
    if (kv.key().find("e-") == std::string::npos) continue;
    etcdserverpb::TxnRequest txn;
    txn.add_success()->mutable_request_delete_range()->set_key(kv.key());
    etcdserverpb::TxnResponse response;
    if ((*client)->Txn(txn, &response).ok()) {
      std::cout << "self-check: deleted a record in etcd behind pscd's back\n";
      absl::SleepFor(absl::Seconds(1));  // every mirror applies it
      return {};
    }
  }
  return {"self-check: found no record to delete"};
}

}  // namespace psc::testing
