#pragma once
// `pscd restore --from DIR [--backup-id N] --data-dir NEW`: restores an online backup into a
// new data dir, offline (no pscd runs on NEW).

#include <ostream>
#include <string>

#include "CLI/CLI.hpp"

namespace psc::daemon {

struct RestoreFlags {
  std::string from;        // the backup dir (pscd's --backup-dir)
  uint32_t backup_id = 0;  // 0: the newest
  std::string data_dir;    // must not exist or be empty
};

// Adds the `restore` subcommand to `app`, filling `flags` when it is given.
CLI::App* AddRestoreCommand(CLI::App& app, RestoreFlags& flags);

// Runs the restore; prints what it restored to `out` or the error to `err`. Returns the exit
// status: 0 restored, 1 failed (nothing left in the data dir).
int RunRestore(const RestoreFlags& flags, std::ostream& out, std::ostream& err);

}  // namespace psc::daemon
