#include "server/daemon/build_info.h"

#include "absl/strings/str_cat.h"

#ifndef PSC_VERSION
#define PSC_VERSION "unknown"
#endif
#ifndef PSC_COMMIT
#define PSC_COMMIT "unknown"
#endif

namespace psc::daemon {

const char* BuildVersion() { return PSC_VERSION; }
const char* BuildCommit() { return PSC_COMMIT[0] == '\0' ? "unknown" : PSC_COMMIT; }
std::string VersionText() {
  return absl::StrCat("pscd ", BuildVersion(), " (commit ", BuildCommit(), ")");
}

}  // namespace psc::daemon
