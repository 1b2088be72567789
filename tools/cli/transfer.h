#pragma once

// psc export and psc import: the registry as JSON lines of RegistryRecord.

#include "CLI/CLI.hpp"
#include "tools/cli/context.h"

namespace psc::cli {

void AddExportCommand(CLI::App& app, Context& context);
void AddImportCommand(CLI::App& app, Context& context);

}  // namespace psc::cli
