#pragma once

// pscd's command line and config file: every flag, its range and its default, in one place.

#include <string>

#include "CLI/CLI.hpp"
#include "server/common/log.h"
#include "server/daemon/server.h"

namespace psc::daemon {

class DaemonFlags {
 public:
  // Adds every flag to `app`, bound to this object, plus --config FILE (TOML: `flag = value`,
  // the flag without its dashes; the command line wins over the file), --version,
  // --check-config and --print-config. The object must outlive parsing.
  void Register(CLI::App& app);

  // The server's options from the parsed flags.
  ServerOptions server_options() const;

  int max_connections() const { return max_connections_; }
  double listener_probe_seconds() const { return listener_probe_seconds_; }
  bool check_config() const { return check_config_; }
  LogFormat log_format() const {
    return log_format_ == "json" ? LogFormat::kJson : LogFormat::kText;
  }
  bool print_config() const { return print_config_; }

 private:
  ServerOptions options_;
  std::string store_ = "rocksdb";
  double etcd_max_request_mb_ = 8;
  double etcd_start_seconds_ = 30;
  double etcd_lost_seconds_ = 30;
  CLI::Option* metrics_listen_ = nullptr;
  bool no_fsync_ = false;
  bool no_reflection_ = false;
  double retention_days_ = 30;
  double trim_seconds_ = 60;
  double progress_seconds_ = 10;
  double request_id_hours_ = 24;
  double handshake_seconds_ = 5;
  double min_free_mb_ = 256;
  int cache_mb_ = 128;
  int max_connections_ = 4096;
  double listener_probe_seconds_ = 10;
  bool check_config_ = false;
  double backup_hours_ = 0;
  std::string log_format_ = "text";
  std::string log_calls_ = "all";
  bool print_config_ = false;
};

}  // namespace psc::daemon
