#pragma once

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "psc/client/registry_client.h"
#include "tests/testing/pscd_process.h"
#include "tests/testing/resources.h"
#include "tests/testing/temp_dir.h"

namespace psc::testing {

// Client options for `target` over mTLS as the test principal `who` (admin, lead-wessex, ...).
inline client::ClientOptions ClientOptionsAs(const std::string& target, const std::string& who) {
  client::ClientOptions options;
  options.target = target;
  options.deadline = absl::Seconds(20);
  options.ca_file = TestCertsDir() + "/ca.crt";
  options.cert_file = TestCertsDir() + "/" + who + ".crt";
  options.key_file = TestCertsDir() + "/" + who + ".key";
  return options;
}

// A real pscd on 127.0.0.1:0 with a fresh data dir, and a client of it.
class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }

  void StartServer(bool fsync = false) {
    auto process = PscdProcess::Start({.data_dir = data_dir_.Sub("data"), .fsync = fsync});
    ASSERT_TRUE(process.ok()) << process.status();
    pscd_ = *std::move(process);
    client_ = std::make_unique<client::RegistryClient>(ClientOptionsAs(pscd_->target(), "admin"));
  }

  void StopServer() { pscd_.reset(); }

  // A client of the running server as the test principal `who`.
  std::unique_ptr<client::RegistryClient> ClientAs(const std::string& who) {
    return std::make_unique<client::RegistryClient>(ClientOptionsAs(pscd_->target(), who));
  }

  // Creates collaboratives/{id}, failing the test on error.
  std::string AddCollaborative(const std::string& id) {
    auto c = client_->CreateCollaborative(MakeCollaborative(id + " PSC"), {.id = id});
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->name() : "";
  }

  // The server's log once every call made so far is in it: pscd writes its log asynchronously,
  // so this makes one more call (a Get of a name no test uses) and waits for its line.
  std::string SettledLog() {
    const std::string marker = "experts/log-mark-" + std::to_string(++log_marks_);
    EXPECT_FALSE(client_->GetExpert(marker).ok());
    EXPECT_TRUE(pscd_->WaitForLog(marker)) << pscd_->Log();
    return pscd_->Log();
  }

  TempDir data_dir_;
  int log_marks_ = 0;
  std::unique_ptr<PscdProcess> pscd_;
  std::unique_ptr<client::RegistryClient> client_;
};

// The ErrorInfo reason of a status the client returned.
inline std::string Reason(const absl::Status& status) {
  return client::GetErrorDetails(status).reason;
}

}  // namespace psc::testing
