#pragma once
// psc report: the national oversight report, or one collaborative's.

#include "CLI/CLI.hpp"
#include "tools/cli/context.h"

namespace psc::cli {

void AddReportCommand(CLI::App& app, Context& context);

}  // namespace psc::cli
