#pragma once

#include <ostream>

#include "absl/status/status.h"

namespace psc::cli {

// psc's exit codes (documented in `psc --help` and docs/cli.md).
enum ExitCode {
  kExitOk = 0,
  kExitFailure = 1,      // any other failure (internal error, permission, ...)
  kExitUsage = 2,        // bad command line or input file; nothing was sent
  kExitNotFound = 3,     // the resource does not exist
  kExitRejected = 4,     // the server refused the request: invalid, conflicting or stale
  kExitUnavailable = 5,  // the server could not be reached in time
};

// The exit code for an error status.
int ExitCodeFor(const absl::Status& status);

// Writes "psc: CODE: message [REASON]" and one line per field violation to `err`, and
// returns the exit code for `status`.
int ReportError(const absl::Status& status, std::ostream& err);

}  // namespace psc::cli
