#pragma once

// `pscd --check-config`: what Server::Start needs, checked without opening the store or
// serving, so a supervisor, a container build or an operator can test a configuration first.

#include <ostream>

#include "server/daemon/server.h"

namespace psc::daemon {

// Checks the security settings (the principals file parses and only its owner may write it,
// the certificate parses, matches its key and has not expired, the client CA reads), the data
// dir (a writable directory, or one pscd could create) and that each listen address can be
// bound now. Writes one line per check to `out` ("ok" or "FAIL", and what was found) and
// returns whether every check passed. Thread-compatible; binds and closes sockets only.
bool CheckConfig(const ServerOptions& options, std::ostream& out);

}  // namespace psc::daemon
