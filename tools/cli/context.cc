#include "tools/cli/context.h"

#include <cstdlib>
#include <fstream>

#include "absl/strings/ascii.h"

namespace psc::cli {
namespace {

std::string DefaultConfigPath() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/psc/config";
  }
  const char* home = std::getenv("HOME");
  return home == nullptr ? "" : std::string(home) + "/.config/psc/config";
}

}  // namespace

void Context::AddGlobalFlags(CLI::App& app) {
  target_flag_ =
      app.add_option("--target", target_, "pscd address (env PSC_TARGET)")->capture_default_str();
  ca_flag_ = app.add_option("--ca", ca_, "PEM CA certificate that signed pscd's (env PSC_CA)");
  cert_flag_ = app.add_option("--cert", cert_, "PEM client certificate (env PSC_CERT)");
  key_flag_ = app.add_option("--key", key_, "PEM client private key (env PSC_KEY)");
  insecure_flag_ =
      app.add_flag("--insecure", insecure_,
                   "Plaintext, for a pscd started with --insecure (env PSC_INSECURE=1)");
  config_flag_ = app.add_option("--config", config_path_,
                                "Config file with target, ca, cert, key, insecure "
                                "(default ~/.config/psc/config)");
  app.add_option("--output", output_,
                 "table (for people), json (one document a line) or csv (tables as CSV)")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  app.add_option("--deadline", deadline_seconds_, "Seconds each call may take, retries included")
      ->capture_default_str();
}

std::string Context::Resolve(const std::string& key, const CLI::Option* flag,
                             const std::string& flag_value, const char* env,
                             const std::string& fallback) {
  if (flag->count() > 0) return flag_value;
  if (const char* value = std::getenv(env); value != nullptr && *value != '\0') return value;
  for (const CLI::ConfigItem& item : config_) {
    if (item.name == key && !item.inputs.empty()) return item.inputs.front();
  }
  return fallback;
}

client::RegistryClient& Context::Client() {
  if (client_ != nullptr) return *client_;
  std::string path = config_flag_->count() > 0 ? config_path_ : DefaultConfigPath();
  if (!path.empty() && std::ifstream(path)) {
    try {
      config_ = CLI::ConfigTOML().from_file(path);
    } catch (const CLI::Error& e) {
      err << "psc: ignoring config file " << path << ": " << e.what() << "\n";
    }
  } else if (config_flag_->count() > 0) {
    err << "psc: cannot read config file " << path << "\n";
  }
  client::ClientOptions options;
  options.target = Resolve("target", target_flag_, target_, "PSC_TARGET", target_);
  options.ca_file = Resolve("ca", ca_flag_, ca_, "PSC_CA", "");
  options.cert_file = Resolve("cert", cert_flag_, cert_, "PSC_CERT", "");
  options.key_file = Resolve("key", key_flag_, key_, "PSC_KEY", "");
  std::string insecure = absl::AsciiStrToLower(
      Resolve("insecure", insecure_flag_, insecure_ ? "true" : "false", "PSC_INSECURE", "false"));
  options.insecure = insecure == "true" || insecure == "1" || insecure == "yes";
  options.deadline = absl::Seconds(deadline_seconds_);
  client_ = std::make_unique<client::RegistryClient>(options);
  return *client_;
}

}  // namespace psc::cli
