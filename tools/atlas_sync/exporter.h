#pragma once

#include <string>

#include "absl/status/status.h"
#include "psc/client/registry_client.h"

namespace psc::atlas {

struct ExportOptions {
  std::string state_file;  // holds the cursor: the last change-log sequence handled
  std::string outbox;      // where post documents are written
  bool once = false;       // stop when caught up instead of watching
  int page_size = 200;
};

// Follows the change feed of case studies (as the `atlas` principal sees it) from the cursor
// in the state file, writing each event as a document `SEQUENCE-SLUG.json` in the outbox: a
// WordPress post for a published case study, a removal for a withdrawn or deleted one. Each
// document is durable before the cursor moves past it, and documents depend only on their
// event, so a run killed at any point and restarted writes the same outbox as one that was not.
// On CURSOR_EXPIRED it resyncs in full from a listing, and says so on stderr.
absl::Status RunExport(client::RegistryClient& client, const ExportOptions& options);

}  // namespace psc::atlas
