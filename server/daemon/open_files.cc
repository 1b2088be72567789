#include "server/daemon/open_files.h"

#include <sys/resource.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace psc::daemon {

int RaiseOpenFileLimit(std::string* what_happened) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    *what_happened = "open-file limit unknown";
    return 1024;
  }
  const rlim_t was = limit.rlim_cur;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) limit.rlim_cur = was;
  }
  // The kernel's own ceiling (fs.nr_open) is about a million; so is ours.
  const int now = static_cast<int>(std::min<rlim_t>(limit.rlim_cur, rlim_t{1} << 20));
  *what_happened = limit.rlim_cur == was
                       ? absl::StrCat("open-file limit ", now, " (the hard limit)")
                       : absl::StrCat("open-file limit raised from ", was, " to ", now);
  return now;
}

}  // namespace psc::daemon
