#include "tests/crash/synced_files.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/mutex.h"

namespace psc::testing::synced_files {
namespace {

namespace fs = std::filesystem;

struct Rename {
  std::string from, to;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string DirOf(const std::string& path) { return fs::path(path).parent_path().string(); }

class Tracker {
 public:
  bool Tracking(const std::string& path) {
    MutexLock lock(&mu_);
    return UnderRoot(path);
  }
  bool Empty() {
    MutexLock lock(&mu_);
    return roots_.empty();
  }

  void Track(const std::string& root) {
    MutexLock lock(&mu_);
    roots_.insert(root);
    Forget(root);
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
      if (entry.is_regular_file()) durable_[entry.path().string()] = ReadFile(entry.path());
    }
  }

  DurableView DurableNow(const std::string& root) {
    MutexLock lock(&mu_);
    DurableView view;
    for (const auto& [path, content] : durable_) {
      std::error_code ec;
      // Deletions count as durable at once (as in RocksDB's FaultInjectionTestFS): unlink is
      // not followed, so a file gone now is taken as gone for good.
      if (Under(path, root) && fs::exists(path, ec)) view[path] = content;
    }
    return view;
  }

  void FileSynced(const std::string& path) {
    std::string content = ReadFile(path);
    MutexLock lock(&mu_);
    if (durable_.count(path) > 0) {
      durable_[path] = std::move(content);
    } else {
      unnamed_[path] = std::move(content);  // its name is durable once its directory is
    }
  }

  void DirectorySynced(const std::string& dir) {
    MutexLock lock(&mu_);
    for (auto it = renames_.begin(); it != renames_.end();) {
      if (DirOf(it->to) != dir) {
        ++it;
        continue;
      }
      durable_[it->to] = Synced(it->from);
      durable_.erase(it->from);
      it = renames_.erase(it);
    }
    // Files synced under a new name: the name is durable now. (A file never synced has nothing
    // worth keeping: pscd syncs every file it names.)
    for (auto it = unnamed_.begin(); it != unnamed_.end();) {
      if (DirOf(it->first) != dir) {
        ++it;
        continue;
      }
      durable_[it->first] = std::move(it->second);
      it = unnamed_.erase(it);
    }
  }

  void FilesystemSynced() {
    MutexLock lock(&mu_);
    for (const std::string& root : roots_) {
      Forget(root);
      std::error_code ec;
      for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
        if (entry.is_regular_file()) durable_[entry.path().string()] = ReadFile(entry.path());
      }
    }
  }

  void Renamed(const std::string& from, const std::string& to) {
    MutexLock lock(&mu_);
    if (UnderRoot(from) || UnderRoot(to)) renames_.push_back({from, to});
  }

 private:
  static bool Under(const std::string& path, const std::string& root) {
    return path == root || absl::StartsWith(path, root + "/");
  }
  bool UnderRoot(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const std::string& root : roots_) {
      if (Under(path, root)) return true;
    }
    return false;
  }
  // What survives of `path`'s content: its last synced content, or nothing.
  std::string Synced(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (auto it = unnamed_.find(path); it != unnamed_.end()) {
      std::string content = std::move(it->second);
      unnamed_.erase(it);
      return content;
    }
    auto it = durable_.find(path);
    return it == durable_.end() ? "" : it->second;
  }
  void Forget(const std::string& root) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (auto* map : {&durable_, &unnamed_}) {
      for (auto it = map->begin(); it != map->end();) {
        it = Under(it->first, root) ? map->erase(it) : std::next(it);
      }
    }
    for (auto it = renames_.begin(); it != renames_.end();) {
      it = Under(it->to, root) || Under(it->from, root) ? renames_.erase(it) : std::next(it);
    }
  }

  Mutex mu_;
  std::set<std::string> roots_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> durable_ ABSL_GUARDED_BY(mu_);  // the durable view
  std::map<std::string, std::string> unnamed_ ABSL_GUARDED_BY(mu_);  // synced, name not yet
  std::vector<Rename> renames_ ABSL_GUARDED_BY(mu_);  // done, their directory not yet synced
};

Tracker& TheTracker() {
  static Tracker* tracker = new Tracker();
  return *tracker;
}

// The path `fd` was opened by, when the tracker follows it; empty otherwise.
std::string TrackedPath(int fd) {
  if (TheTracker().Empty()) return "";
  char link[64], target[4096];
  snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  const ssize_t n = ::readlink(link, target, sizeof(target) - 1);
  if (n <= 0) return "";
  std::string path(target, n);
  return TheTracker().Tracking(path) ? path : "";
}

int AfterSync(int fd, int rc) {
  if (rc != 0) return rc;
  if (const std::string path = TrackedPath(fd); !path.empty()) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      TheTracker().DirectorySynced(path);
    } else {
      TheTracker().FileSynced(path);
    }
  }
  return rc;
}

}  // namespace

void Track(const std::string& root) { TheTracker().Track(root); }

DurableView DurableNow(const std::string& root) { return TheTracker().DurableNow(root); }

absl::Status Restore(const std::string& root, const DurableView& view) {
  std::error_code ec;
  fs::remove_all(root, ec);
  fs::create_directories(root, ec);
  for (const auto& [path, content] : view) {
    fs::create_directories(DirOf(path), ec);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return absl::InternalError(absl::StrCat("cannot restore ", path));
  }
  Track(root);
  return absl::OkStatus();
}

}  // namespace psc::testing::synced_files

// The process's own fsync, fdatasync, syncfs and rename: libc's (by system call), then noted.
extern "C" {
int fsync(int fd) {
  return psc::testing::synced_files::AfterSync(fd, static_cast<int>(::syscall(SYS_fsync, fd)));
}
int fdatasync(int fd) {
  return psc::testing::synced_files::AfterSync(fd, static_cast<int>(::syscall(SYS_fdatasync, fd)));
}
int syncfs(int fd) {
  const int rc = static_cast<int>(::syscall(SYS_syncfs, fd));
  if (rc == 0) psc::testing::synced_files::TheTracker().FilesystemSynced();
  return rc;
}
int rename(const char* from, const char* to) {
  const int rc = static_cast<int>(::syscall(SYS_rename, from, to));
  if (rc == 0 && !psc::testing::synced_files::TheTracker().Empty()) {
    namespace fs = std::filesystem;
    psc::testing::synced_files::TheTracker().Renamed(fs::absolute(from).lexically_normal().string(),
                                                     fs::absolute(to).lexically_normal().string());
  }
  return rc;
}
}
