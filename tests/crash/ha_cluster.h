#pragma once
// The HA chaos test's servers (tests/crash/hatest.cc): 3 etcd members and 3 pscd replicas
// (--store etcd, plaintext on loopback) sharing one registry, and the faults it injects into
// them. Thread-safe: clients may be made while a fault runs on another thread.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "psc/client/registry_client.h"
#include "tests/testing/etcd_cluster.h"
#include "tests/testing/pscd_process.h"

namespace psc::testing {

class HaCluster {
 public:
  static constexpr int kReplicas = 3;
  static constexpr char kPrefix[] = "/hatest/";  // the registry's keys in etcd

  explicit HaCluster(std::string dir) : dir_(std::move(dir)) {}

  // Starts the members, then the replicas; the first error.
  absl::Status Start();

  // A client of replica `r` making one attempt per call (retries are the caller's own).
  client::RegistryClient Client(int r, absl::Duration deadline);

  // The faults. Each returns what went wrong beside the fault itself: a restart that failed,
  // a replica that did not refuse a write without quorum.
  std::vector<std::string> KillEtcdLeader();  // kill -9, restarted 2 s later
  std::vector<std::string> StopEtcdLeader();  // SIGSTOP for 5 s
  std::vector<std::string> KillReplica();     // kill -9 of the next pscd, restarted
  std::vector<std::string> StopReplica();     // SIGSTOP of the next pscd for 5 s
  std::vector<std::string> LoseQuorum();      // 2 of 3 members killed for 3 s, then restarted
  // Deletes an expert's record in etcd behind pscd's back (the self-check's planted fault).
  std::vector<std::string> DeleteBehindPscdsBack();

 private:
  absl::Status StartReplica(int r);
  // The member that leads etcd now, asked of each member in turn.
  int EtcdLeader();

  const std::string dir_;
  std::unique_ptr<EtcdCluster> etcd_;
  std::mutex mu_;  // guards the replicas and their targets
  std::unique_ptr<PscdProcess> replicas_[kReplicas];
  std::string targets_[kReplicas];  // a replica comes back on its port
  int next_replica_ = 0;            // the faults' thread only
};

}  // namespace psc::testing
