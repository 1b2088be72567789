// psc: the command-line client of the PSC Registry.

#include "CLI/CLI.hpp"
#include "absl/synchronization/mutex.h"
#include "tools/cli/admin_command.h"
#include "tools/cli/changes_command.h"
#include "tools/cli/cli_kind.h"
#include "tools/cli/context.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/history_command.h"
#include "tools/cli/measures_command.h"
#include "tools/cli/resource_commands.h"
#include "tools/cli/search_commands.h"
#include "tools/cli/transfer.h"
#include "tools/cli/workflow_commands.h"

namespace {

constexpr char kFooter[] = R"(Examples:
  psc initiatives list --workstream SAFETY_CULTURE --collaborative wessex
  psc initiatives create --title "Safety huddles" --lead wessex --workstream SAFETY_CULTURE
  psc initiatives update huddles --status ACTIVE --etag 42
  psc experts list --skill human-factors --shareable true --output json
  psc experts get experts/ab12
  psc search "sepsis dashboard" --kind caseStudies
  psc experts find --skill human-factors --region "South West" --min-days 2
  psc initiatives similar safety-huddles-yh
  psc initiatives join safety-huddles-yh --message "We run huddles in two trusts"
  psc requests list collaboratives/wessex --incoming
  psc experts request noel-mockford --initiative falls-wessex --days 2 --start 2027-01
  psc report --output csv
  psc measures import huddles falls.csv && psc measures chart huddles falls --site ref
  psc history initiatives/news2-acute-woe
  psc changes watch --after 0 --kind caseStudies
  psc export --out registry.jsonl && psc import registry.jsonl

Names may be given in full (initiatives/huddles) or as the id alone (huddles).

Connections use mTLS: give --ca, --cert and --key, or PSC_CA, PSC_CERT and PSC_KEY, or put
ca = "...", cert = "...", key = "..." and target = "..." in ~/.config/psc/config.

Tables print as CSV with --output csv.

Exit codes: 0 ok; 1 other failure; 2 usage error (nothing sent); 3 not found;
4 rejected by the server (invalid, conflicting, stale etag, or import lines rejected);
5 server unreachable or deadline exceeded.)";

}  // namespace

int main(int argc, char** argv) {
  // Debian's abseil checks lock order on every absl::Mutex lock (gRPC's too): see pscd's main.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  psc::cli::Context ctx;
  CLI::App app{"psc: the PSC Registry command line"};
  app.fallthrough();
  app.require_subcommand(1);
  ctx.AddGlobalFlags(app);
  for (const psc::cli::CliKind& kind : psc::cli::CliKinds()) {
    psc::cli::AddResourceCommands(app, kind, ctx);
  }
  psc::cli::AddExportCommand(app, ctx);
  psc::cli::AddImportCommand(app, ctx);
  psc::cli::AddHistoryCommand(app, ctx);
  psc::cli::AddAdminCommands(app, ctx);
  psc::cli::AddHealthCommand(app, ctx);
  psc::cli::AddChangesCommands(app, ctx);
  psc::cli::AddSearchCommands(app, ctx);
  psc::cli::AddWorkflowCommands(app, ctx);
  psc::cli::AddMeasuresCommands(app, ctx);
  app.footer(kFooter);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? psc::cli::kExitOk : psc::cli::kExitUsage;
  }
  return ctx.exit_code;
}
