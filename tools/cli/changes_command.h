#pragma once

#include "CLI/CLI.hpp"
#include "tools/cli/context.h"

namespace psc::cli {

// psc changes list|watch: the change feed.
void AddChangesCommands(CLI::App& app, Context& context);

}  // namespace psc::cli
