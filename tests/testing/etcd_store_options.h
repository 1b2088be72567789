#pragma once
// For tests of the etcd store: its client options for a test cluster (every member, over mTLS
// with the test certificates; admin.crt is pscd's client identity), and one shared 1-member
// cluster per test process.

#include <memory>

#include "gtest/gtest.h"
#include "server/etcd/etcd_client.h"
#include "tests/testing/etcd_cluster.h"
#include "tests/testing/pscd_process.h"
#include "tests/testing/temp_dir.h"

namespace psc::testing {

inline etcd::ClientOptions TestEtcdClientOptions(const EtcdCluster& cluster) {
  const std::string certs = TestCertsDir();
  return {.endpoints = cluster.client_urls(),
          .ca_file = certs + "/ca.crt",
          .cert_file = certs + "/admin.crt",
          .key_file = certs + "/admin.key"};
}

// A 1-member cluster for the whole test process, started by the first test that asks and
// stopped when the tests end (tests share it under key prefixes of their own); nullptr, with
// a test failure, when it cannot start.
inline EtcdCluster* SharedEtcdCluster() {
  class Shared : public ::testing::Environment {
   public:
    void TearDown() override { cluster.reset(); }
    TempDir dir;
    std::unique_ptr<EtcdCluster> cluster;
  };
  static Shared* const shared = [] {
    auto* env = new Shared();
    ::testing::AddGlobalTestEnvironment(env);  // gtest owns it, and tears it down at the end
    return env;
  }();
  if (shared->cluster == nullptr) {
    auto started = EtcdCluster::Start({.dir = shared->dir.path()});
    EXPECT_TRUE(started.ok()) << started.status();
    if (started.ok()) shared->cluster = *std::move(started);
  }
  return shared->cluster.get();
}

}  // namespace psc::testing
