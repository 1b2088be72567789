#pragma once

#include <string>
#include <vector>

#include "tests/integration/registry_fixture.h"
#include "tests/testing/run_process.h"

namespace psc::testing {

// A real pscd, its client, and the real psc binary pointed at it through PSC_TARGET.
class CliTest : public RegistryTest {
 protected:
  ProcessResult Psc(std::vector<std::string> args, const std::string& input = "") {
    return PscAs("admin", std::move(args), input);
  }

  // Runs psc as the test principal `who`, with its certificate in PSC_CA/PSC_CERT/PSC_KEY.
  ProcessResult PscAs(const std::string& who, std::vector<std::string> args,
                      const std::string& input = "") {
    args.insert(args.begin(), PSC_CLI_PATH);
    return RunProcess(args, CliEnv(pscd_->target(), who), input);
  }

  static std::vector<std::string> CliEnv(const std::string& target, const std::string& who) {
    const std::string certs = TestCertsDir();
    return {"PSC_TARGET=" + target, "PSC_CA=" + certs + "/ca.crt",
            "PSC_CERT=" + certs + "/" + who + ".crt", "PSC_KEY=" + certs + "/" + who + ".key",
            "HOME=/nonexistent"};
  }

  // Loads the demo data through `psc import`, failing the test on error.
  void LoadDemoData() {
    ProcessResult r = Psc({"import", PSC_DEMO_DATA});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Writes `text` to a file in the test's temp dir and returns its path.
  std::string WriteFile(const std::string& name, const std::string& text);

  // The records of a `psc export` output, one JSON text each without the server-owned fields
  // (create_time, update_time, etag), sorted: equal for two registries with the same records.
  static std::vector<std::string> NormalizedExport(const std::string& text);
};

}  // namespace psc::testing
