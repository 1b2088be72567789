#pragma once
// psc measures: import measure data from CSV, list it, and chart it by Making Data Count's
// rules.

#include "CLI/CLI.hpp"
#include "tools/cli/context.h"

namespace psc::cli {

void AddMeasuresCommands(CLI::App& app, Context& context);

}  // namespace psc::cli
