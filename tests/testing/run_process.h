#pragma once

#include <string>
#include <vector>

namespace psc::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] a path) with `env` added to the environment and `input` on stdin, and
// waits for it, collecting stdout and stderr.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {}, const std::string& input = "");

}  // namespace psc::testing
