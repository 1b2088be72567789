#pragma once

#include "CLI/CLI.hpp"
#include "tools/cli/cli_kind.h"
#include "tools/cli/context.h"

namespace psc::cli {

// Adds `psc KIND list|get|create|update|delete` to `app`.
void AddResourceCommands(CLI::App& app, const CliKind& kind, Context& context);

// Reads a resource of `kind` from a JSON file (protobuf's JSON mapping; "-" is stdin) into
// `message`, returning the top-level fields it sets. INVALID_ARGUMENT when it does not parse.
absl::StatusOr<std::vector<std::string>> ReadResourceFile(const std::string& path,
                                                          google::protobuf::Message* message);

}  // namespace psc::cli
