#pragma once

#include <string>

#include "absl/status/status.h"

namespace psc::atlas {

// Writes `contents` to `path` so that after a crash the file is either the old one or the new
// one, whole: a temporary file in the same directory, fsync, rename, fsync of the directory.
absl::Status WriteFileDurably(const std::string& path, const std::string& contents);

}  // namespace psc::atlas
