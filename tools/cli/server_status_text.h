#pragma once
// `psc admin status`: one pscd's status as "what  value" lines for a terminal.

#include <ostream>

#include "absl/time/time.h"
#include "psc/registry/v1/server_status.pb.h"

namespace psc::cli {

// `now` dates the uptime and the latest backup's age.
void PrintServerStatusText(const registry::v1::ServerStatus& status, absl::Time now,
                           std::ostream& out);

}  // namespace psc::cli
