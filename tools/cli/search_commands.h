#pragma once
// psc search, psc experts find and psc initiatives similar: discovery from the command line.

#include <ostream>

#include "CLI/CLI.hpp"
#include "psc/registry/v1/initiative.pb.h"
#include "tools/cli/context.h"

namespace psc::cli {

// Adds `psc search`, and `find` / `similar` under the existing `experts` / `initiatives`
// commands (call after AddResourceCommands).
void AddSearchCommands(CLI::App& app, Context& context);

// The "similar work in other PSCs" note printed after creating or updating an initiative.
void PrintSimilarHint(
    const google::protobuf::RepeatedPtrField<registry::v1::SimilarInitiative>& similar,
    std::ostream& out);

}  // namespace psc::cli
