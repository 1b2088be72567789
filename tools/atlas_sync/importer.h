#pragma once

#include <string>

#include "absl/status/status.h"
#include "psc/client/registry_client.h"

namespace psc::atlas {

// Reads a WordPress REST JSON array of case-study posts from `file` and creates or updates
// each as a case study owned by `owner`, keyed by its Atlas id (an external reference), so a
// second run changes nothing. Reports each post's outcome and a summary on stderr.
absl::Status RunImport(client::RegistryClient& client, const std::string& file,
                       const std::string& owner);

}  // namespace psc::atlas
