#pragma once
// What pscd was built from (set by CMake when the build directory is configured).

#include <string>

namespace psc::daemon {

const char* BuildVersion();  // the project's version, e.g. "0.1.0"
const char* BuildCommit();   // the git commit the build directory was configured at, or "unknown"
std::string VersionText();   // "pscd 0.1.0 (commit abc1234)"

}  // namespace psc::daemon
