#pragma once

#include "CLI/CLI.hpp"
#include "tools/cli/context.h"

namespace psc::cli {

// psc admin status | backup | backups | verify NAME | delete-backup NAME: the server's status and
// online backups (admins only).
void AddAdminCommands(CLI::App& app, Context& context);

// psc health [SERVICE]: SERVING (exit 0) or NOT_SERVING (exit 1), from the gRPC health service;
// for scripts and a container's HEALTHCHECK (with pscd's --health-listen and --insecure).
void AddHealthCommand(CLI::App& app, Context& context);

}  // namespace psc::cli
