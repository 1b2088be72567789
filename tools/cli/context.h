#pragma once

#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "psc/client/registry_client.h"
#include "tools/cli/output.h"

namespace psc::cli {

// What every command shares: the global flags, the client built from them, and the exit code
// the command chose. Connection settings come from, in order of precedence: flags, environment
// variables (PSC_TARGET, PSC_CA, PSC_CERT, PSC_KEY, PSC_INSECURE), the config file
// (--config, default ~/.config/psc/config; keys target, ca, cert, key, insecure), defaults.
class Context {
 public:
  // Adds the global flags to `app`.
  void AddGlobalFlags(CLI::App& app);

  OutputFormat format() const {
    if (output_ == "json") return OutputFormat::kJson;
    return output_ == "csv" ? OutputFormat::kCsv : OutputFormat::kTable;
  }

  // The client for the resolved settings, made on first use. A bad --config file or missing
  // credentials show up as errors of the first call.
  client::RegistryClient& Client();

  int exit_code = 0;
  std::ostream& out = std::cout;
  std::ostream& err = std::cerr;

 private:
  // The value of a setting: flag, then environment, then config file, then `fallback`.
  std::string Resolve(const std::string& key, const CLI::Option* flag,
                      const std::string& flag_value, const char* env, const std::string& fallback);

  std::string target_ = "127.0.0.1:50051";
  std::string ca_, cert_, key_;
  bool insecure_ = false;
  double deadline_seconds_ = 30;
  std::string output_ = "table";
  std::string config_path_;
  CLI::Option* target_flag_ = nullptr;
  CLI::Option* ca_flag_ = nullptr;
  CLI::Option* cert_flag_ = nullptr;
  CLI::Option* key_flag_ = nullptr;
  CLI::Option* insecure_flag_ = nullptr;
  CLI::Option* config_flag_ = nullptr;
  std::vector<CLI::ConfigItem> config_;
  std::unique_ptr<client::RegistryClient> client_;
};

}  // namespace psc::cli
