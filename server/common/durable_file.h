#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace psc {

// Writes `contents` to `path` so that after a crash the file is either the old one or the new
// one, whole: a temporary file in the same directory, fsync, rename, fsync of the directory.
absl::Status WriteFileDurably(const std::string& path, const std::string& contents);

// Writes many files of one directory so that after a crash each is either absent (or its old
// version) or whole, at the cost of two syncfs calls for the batch instead of two fsyncs a file:
// every temporary file is written, the filesystem synced, then each is renamed into place and
// the filesystem synced again. Not thread-safe.
class DurableBatch {
 public:
  explicit DurableBatch(std::string dir) : dir_(std::move(dir)) {}
  // Writes `contents` to a temporary file beside `path` (in the batch's directory).
  absl::Status Add(const std::string& path, const std::string& contents);
  // Makes every file added since the last Commit durable under its name.
  absl::Status Commit();

 private:
  std::string dir_;
  std::vector<std::pair<std::string, std::string>> pending_;  // {temporary, path}
};

}  // namespace psc
