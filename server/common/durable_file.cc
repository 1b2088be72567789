#include "server/common/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace psc {
namespace {

absl::Status Errno(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// Opens `dir` and calls `sync` on it: fsync (its entries) or syncfs (its whole filesystem).
absl::Status SyncVia(const std::string& dir, int (*sync)(int), const char* what) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Errno("open " + dir);
  int rc = sync(fd);
  ::close(fd);
  return rc == 0 ? absl::OkStatus() : Errno(absl::StrCat(what, " ", dir));
}

absl::Status SyncDirectory(const std::string& dir) { return SyncVia(dir, ::fsync, "fsync"); }
absl::Status SyncFilesystem(const std::string& dir) { return SyncVia(dir, ::syncfs, "syncfs"); }

std::string DirectoryOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// The hidden temporary file a file is written to before it is renamed into place.
std::string TemporaryFor(const std::string& path) {
  const std::filesystem::path target(path);
  return (std::filesystem::path(DirectoryOf(path)) / ("." + target.filename().string() + ".tmp"))
      .string();
}

// Writes `contents` to a new `tmp`, fsyncing it first when `sync`.
absl::Status WriteTemporary(const std::string& tmp, const std::string& contents, bool sync) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("create " + tmp);
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      ::close(fd);
      return Errno("write " + tmp);
    }
    done += n;
  }
  if (sync && ::fsync(fd) != 0) {
    ::close(fd);
    return Errno("fsync " + tmp);
  }
  ::close(fd);
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteFileDurably(const std::string& path, const std::string& contents) {
  const std::string tmp = TemporaryFor(path);
  if (absl::Status s = WriteTemporary(tmp, contents, /*sync=*/true); !s.ok()) return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename to " + path);
  return SyncDirectory(DirectoryOf(path));
}

absl::Status DurableBatch::Add(const std::string& path, const std::string& contents) {
  std::string tmp = TemporaryFor(path);
  if (absl::Status s = WriteTemporary(tmp, contents, /*sync=*/false); !s.ok()) return s;
  pending_.emplace_back(std::move(tmp), path);
  return absl::OkStatus();
}

absl::Status DurableBatch::Commit() {
  if (pending_.empty()) return absl::OkStatus();
  // Every temporary file whole on disk before any takes a real name...
  if (absl::Status s = SyncFilesystem(dir_); !s.ok()) return s;
  for (const auto& [tmp, path] : pending_) {
    if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename to " + path);
  }
  pending_.clear();
  // ... and every name on disk before the caller moves on (saves its cursor).
  return SyncFilesystem(dir_);
}

}  // namespace psc
