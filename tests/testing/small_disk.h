#pragma once
// A small filesystem of the test's own (a 64 MiB tmpfs mounted on a directory), to fill under
// a server. Mounting needs root: tests skip when Mount fails.

#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"

namespace psc::testing {

inline constexpr uint64_t kMiB = 1 << 20;

inline uint64_t FreeBytes(const std::string& path) {
  struct statvfs fs {};
  if (statvfs(path.c_str(), &fs) != 0) return 0;
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

// Writes zeros to `path` until the filesystem of `dir` has about `leave` bytes free.
inline void FillLeaving(const std::string& dir, const std::string& path, uint64_t leave) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  const std::string block(kMiB, '\0');
  while (FreeBytes(dir) > leave + kMiB && out.write(block.data(), block.size())) out.flush();
}

// A 64 MiB tmpfs on `dir` (created), unmounted when this goes.
class SmallDisk {
 public:
  explicit SmallDisk(std::string dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=64m,mode=0700") != 0) {
      mounted_ = absl::FailedPreconditionError(std::string("cannot mount a tmpfs (needs root): ") +
                                               std::strerror(errno));
    }
  }
  ~SmallDisk() {
    if (mounted_.ok()) umount2(dir_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  // OK once mounted; else why not.
  const absl::Status& mounted() const { return mounted_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  absl::Status mounted_;
};

}  // namespace psc::testing
