#pragma once

#include <string>

namespace psc::daemon {

// Raises this process's open-file soft limit to its hard limit (systemd's default soft limit of
// 1,024 is far too low for a server) and says what it did, for the log. Returns the soft limit
// now in force.
int RaiseOpenFileLimit(std::string* what_happened);

}  // namespace psc::daemon
