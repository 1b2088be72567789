#pragma once
// What every command that calls the server shares: printing a resource in the chosen format,
// and turning a status into the exit code.

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "psc/client/error_details.h"
#include "tools/cli/context.h"
#include "tools/cli/exit_codes.h"

namespace psc::cli {

// The resource as one JSON line, or as "field  value" details (an initiative's similar-work
// hint goes to stderr).
void PrintResource(Context& ctx, const google::protobuf::Message& m);

// Runs `action` and turns its status into the exit code.
template <typename Action>
void Run(Context& ctx, Action action) {
  absl::Status s = action();
  if (s.ok()) return;
  int code = ReportError(s, ctx.err);
  // Bad input caught here, before anything was sent, carries no server reason.
  bool local =
      s.code() == absl::StatusCode::kInvalidArgument && client::GetErrorDetails(s).reason.empty();
  ctx.exit_code = local ? kExitUsage : code;
}

}  // namespace psc::cli
