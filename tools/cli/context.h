#pragma once

#include <iostream>
#include <memory>
#include <string>

#include "psc/client/registry_client.h"
#include "tools/cli/output.h"

namespace psc::cli {

// What every command shares: the global flags, the client built from them, and the exit code
// the command chose.
struct Context {
  std::string target = "127.0.0.1:50051";
  double deadline_seconds = 30;
  std::string output = "table";
  int exit_code = 0;
  std::ostream& out = std::cout;
  std::ostream& err = std::cerr;

  OutputFormat format() const { return output == "json" ? OutputFormat::kJson : OutputFormat::kTable; }

  // The client for `target`, made on first use.
  client::RegistryClient& Client() {
    if (client_ == nullptr) {
      client::ClientOptions options;
      options.target = target;
      options.deadline = absl::Seconds(deadline_seconds);
      client_ = std::make_unique<client::RegistryClient>(options);
    }
    return *client_;
  }

 private:
  std::unique_ptr<client::RegistryClient> client_;
};

}  // namespace psc::cli
