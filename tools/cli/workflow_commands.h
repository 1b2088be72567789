#pragma once
// The collaboration workflows from the command line:
//   psc initiatives join|leave|review
//   psc requests list|approve|decline|withdraw   (join requests; decline also for sharing)
//   psc experts request|accept|decline|cancel|complete
//   psc report

#include "CLI/CLI.hpp"
#include "tools/cli/context.h"

namespace psc::cli {

// Adds the workflow commands (call after AddResourceCommands: some go under its commands).
void AddWorkflowCommands(CLI::App& app, Context& context);

}  // namespace psc::cli
