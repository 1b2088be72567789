#pragma once

#include "CLI/CLI.hpp"
#include "tools/cli/context.h"

namespace psc::cli {

// psc admin backup | backups | verify NAME | delete-backup NAME: online backups (admins only).
void AddAdminCommands(CLI::App& app, Context& context);

}  // namespace psc::cli
