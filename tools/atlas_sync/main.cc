// psc-atlas-sync: keeps an AHSN Atlas mirror of the registry's published case studies.

#include <cstdio>

#include "CLI/CLI.hpp"
#include "absl/synchronization/mutex.h"
#include "tools/atlas_sync/exporter.h"
#include "tools/atlas_sync/importer.h"

int main(int argc, char** argv) {
  // Debian's abseil checks lock order on every absl::Mutex lock (gRPC's too): see pscd's main.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  CLI::App app{"psc-atlas-sync: keep the AHSN Atlas in step with the registry's case studies"};
  app.require_subcommand(1);
  psc::client::ClientOptions client;
  app.add_option("--target", client.target, "pscd address")
      ->envname("PSC_TARGET")
      ->capture_default_str();
  app.add_option("--ca", client.ca_file, "PEM CA of pscd's certificate")->envname("PSC_CA");
  app.add_option("--cert", client.cert_file,
                 "PEM client certificate (the atlas principal's for export)")
      ->envname("PSC_CERT");
  app.add_option("--key", client.key_file, "PEM client key")->envname("PSC_KEY");
  app.add_flag("--insecure", client.insecure, "Plaintext, for pscd --insecure");
  app.fallthrough();

  psc::atlas::ExportOptions export_options;
  auto* exp = app.add_subcommand(
      "export", "Write published case studies and removals to an outbox, from a saved cursor");
  exp->add_option("--state", export_options.state_file, "File holding the cursor")->required();
  exp->add_option("--outbox", export_options.outbox, "Directory for the post documents")
      ->required();
  exp->add_flag("--once", export_options.once, "Stop when caught up instead of watching");
  exp->add_option("--page-size", export_options.page_size, "Changes per request")
      ->capture_default_str();

  std::string file, owner;
  auto* imp = app.add_subcommand(
      "import", "Create or update case studies from a WordPress REST JSON array of posts");
  imp->add_option("file", file, "The JSON file")->required();
  imp->add_option("--owner", owner, "Collaborative that owns imported case studies")->required();
  app.footer(
      "Example: psc-atlas-sync --cert atlas.crt --key atlas.key --ca ca.crt export --state "
      "atlas.cursor --outbox outbox/ --once");
  CLI11_PARSE(app, argc, argv);

  client.deadline = absl::Seconds(60);
  psc::client::RegistryClient registry(client);
  absl::Status status = exp->parsed() ? psc::atlas::RunExport(registry, export_options)
                                      : psc::atlas::RunImport(registry, file, owner);
  if (!status.ok()) {
    std::fprintf(stderr, "psc-atlas-sync: %s\n", status.ToString().c_str());
    return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}
