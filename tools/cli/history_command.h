#pragma once

#include "CLI/CLI.hpp"
#include "tools/cli/context.h"

namespace psc::cli {

// psc history NAME: who changed a resource, what, and when (admins only).
void AddHistoryCommand(CLI::App& app, Context& context);

}  // namespace psc::cli
