#include "server/storage/power_loss_fs.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "server/common/mutex.h"

namespace psc::storage {
namespace {

namespace fs = std::filesystem;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

std::string DirOf(const std::string& path) { return fs::path(path).parent_path().string(); }

// One spelling per path: RocksDB names some directories with a trailing slash, some files with
// a doubled one.
std::string Normal(const std::string& path) {
  std::string normal = fs::path(path).lexically_normal().string();
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

// What the disk holds of one file written through the file system.
struct FileState {
  uint64_t written = 0;  // bytes written (the file's length as RocksDB sees it)
  uint64_t synced = 0;   // bytes up to the last Sync/Fsync: what survives
};

// The shared record of every file written through the file system.
class Ledger {
 public:
  void Created(const std::string& name) {
    MutexLock lock(&mu_);
    files_[name] = FileState{};
    unsynced_entries_.insert(name);
  }
  void Reopened(const std::string& name, uint64_t size) {
    MutexLock lock(&mu_);
    files_[name] = FileState{.written = size, .synced = size};
  }
  void Wrote(const std::string& name, uint64_t end) {
    MutexLock lock(&mu_);
    FileState& f = files_[name];
    f.written = std::max(f.written, end);
  }
  void Truncated(const std::string& name, uint64_t size) {
    MutexLock lock(&mu_);
    FileState& f = files_[name];
    f.written = size;
    f.synced = std::min(f.synced, size);
  }
  void Synced(const std::string& name) {
    MutexLock lock(&mu_);
    FileState& f = files_[name];
    f.synced = f.written;
  }
  void DirectorySynced(const std::string& dir) {
    MutexLock lock(&mu_);
    for (auto it = unsynced_entries_.begin(); it != unsynced_entries_.end();) {
      it = DirOf(*it) == dir ? unsynced_entries_.erase(it) : std::next(it);
    }
  }
  void Renamed(const std::string& from, const std::string& to) {
    MutexLock lock(&mu_);
    if (auto it = files_.find(from); it != files_.end()) {
      files_[to] = it->second;
      files_.erase(it);
    } else {
      files_.erase(to);  // replaced by a durable file
    }
    if (unsynced_entries_.erase(from) > 0) unsynced_entries_.insert(to);
  }
  void Deleted(const std::string& name) {
    MutexLock lock(&mu_);
    files_.erase(name);
    unsynced_entries_.erase(name);
  }
  void Reset() {
    MutexLock lock(&mu_);
    files_.clear();
    unsynced_entries_.clear();
  }

  absl::Status Capture(const std::vector<std::pair<std::string, std::string>>& dirs) {
    MutexLock lock(&mu_);  // no write, sync, rename or delete gets in until the image is done
    for (const auto& [dir, image] : dirs) {
      if (absl::Status s = CaptureLocked(Normal(dir), image); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status CaptureLocked(const std::string& data_dir, const std::string& image_dir)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::error_code ec;
    fs::create_directory(image_dir, ec);
    if (ec) return absl::InternalError(absl::StrCat("create ", image_dir, ": ", ec.message()));
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(data_dir, ec)) {
      const fs::path relative = entry.path().lexically_relative(data_dir);
      const std::string target = (fs::path(image_dir) / relative).string();
      if (entry.is_directory()) fs::create_directories(target, ec);
      if (ec || !entry.is_regular_file()) continue;
      const std::string name = entry.path().string();
      if (unsynced_entries_.count(name) > 0) continue;  // its directory entry was never synced
      auto it = files_.find(name);
      if (it == files_.end()) {
        fs::create_hard_link(entry.path(), target, ec);
      } else {
        ec = CopyPrefix(name, target, it->second.synced);
      }
      // Gone since it was listed (deleted, or renamed over by a writer this file system does
      // not see): deletions are durable at once.
      if (ec == std::errc::no_such_file_or_directory) ec.clear();
      if (ec) return absl::InternalError(absl::StrCat("image of ", name, ": ", ec.message()));
    }
    if (ec) return absl::InternalError(absl::StrCat("list ", data_dir, ": ", ec.message()));
    return absl::OkStatus();
  }

  static std::error_code CopyPrefix(const std::string& from, const std::string& to,
                                    uint64_t length) {
    std::ifstream in(from, std::ios::binary);
    if (!in) return std::make_error_code(std::errc::no_such_file_or_directory);
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    std::string buffer(1 << 16, '\0');
    while (length > 0 && in) {
      in.read(buffer.data(), std::min<uint64_t>(length, buffer.size()));
      out.write(buffer.data(), in.gcount());
      length -= in.gcount();
    }
    return out ? std::error_code() : std::make_error_code(std::errc::io_error);
  }

  Mutex mu_;
  std::map<std::string, FileState> files_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> unsynced_entries_ ABSL_GUARDED_BY(mu_);  // created since a dir fsync
};

class TrackedFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string name, Ledger* ledger,
              uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(file)),
        name_(std::move(name)),
        ledger_(ledger),
        size_(size) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    return Wrote(target()->Append(data, options, dbg), size_ + data.size());
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    return Wrote(target()->Append(data, options, info, dbg), size_ + data.size());
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    return Wrote(target()->PositionedAppend(data, offset, options, dbg), offset + data.size());
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    return Wrote(target()->PositionedAppend(data, offset, options, info, dbg),
                 offset + data.size());
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) {
      size_ = size;
      ledger_->Truncated(name_, size);
    }
    return s;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    return Synced(target()->Sync(options, dbg));
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return Synced(target()->Fsync(options, dbg));
  }

 private:
  IOStatus Wrote(IOStatus s, uint64_t end) {
    if (s.ok()) {
      size_ = std::max(size_, end);
      ledger_->Wrote(name_, end);
    }
    return s;
  }
  IOStatus Synced(IOStatus s) {
    if (s.ok()) ledger_->Synced(name_);
    return s;
  }

  const std::string name_;
  Ledger* const ledger_;
  uint64_t size_;
};

class TrackedDirectory final : public rocksdb::FSDirectoryWrapper {
 public:
  TrackedDirectory(std::unique_ptr<rocksdb::FSDirectory> dir, std::string name, Ledger* ledger)
      : FSDirectoryWrapper(std::move(dir)), name_(std::move(name)), ledger_(ledger) {}

  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return Synced(FSDirectoryWrapper::Fsync(options, dbg));
  }
  IOStatus FsyncWithDirOptions(const IOOptions& options, IODebugContext* dbg,
                               const rocksdb::DirFsyncOptions& dir_options) override {
    return Synced(FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_options));
  }

 private:
  IOStatus Synced(IOStatus s) {
    if (s.ok()) ledger_->DirectorySynced(name_);
    return s;
  }
  const std::string name_;
  Ledger* const ledger_;
};

class TrackingFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  explicit TrackingFileSystem(Ledger* ledger)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), ledger_(ledger) {}
  const char* Name() const override { return "PowerLossFileSystem"; }

  IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                           IODebugContext* dbg) override {
    IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok()) {
      ledger_->Created(Normal(name));
      *result = std::make_unique<TrackedFile>(std::move(*result), Normal(name), ledger_, 0);
    }
    return s;
  }
  IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                              IODebugContext* dbg) override {
    uint64_t size = 0;
    if (!target()->GetFileSize(name, IOOptions(), &size, dbg).ok()) size = 0;
    IOStatus s = target()->ReopenWritableFile(name, options, result, dbg);
    if (s.ok()) {
      ledger_->Reopened(Normal(name), size);
      *result = std::make_unique<TrackedFile>(std::move(*result), Normal(name), ledger_, size);
    }
    return s;
  }
  IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                             const rocksdb::FileOptions& options,
                             std::unique_ptr<rocksdb::FSWritableFile>* result,
                             IODebugContext* dbg) override {
    IOStatus s = RenameFile(old_name, name, IOOptions(), dbg);
    return s.ok() ? NewWritableFile(name, options, result, dbg) : s;
  }
  IOStatus NewDirectory(const std::string& name, const IOOptions& options,
                        std::unique_ptr<rocksdb::FSDirectory>* result,
                        IODebugContext* dbg) override {
    IOStatus s = target()->NewDirectory(name, options, result, dbg);
    if (s.ok()) {
      *result = std::make_unique<TrackedDirectory>(std::move(*result), Normal(name), ledger_);
    }
    return s;
  }
  IOStatus RenameFile(const std::string& from, const std::string& to, const IOOptions& options,
                      IODebugContext* dbg) override {
    IOStatus s = target()->RenameFile(from, to, options, dbg);
    if (s.ok()) ledger_->Renamed(Normal(from), Normal(to));
    return s;
  }
  IOStatus DeleteFile(const std::string& name, const IOOptions& options,
                      IODebugContext* dbg) override {
    IOStatus s = target()->DeleteFile(name, options, dbg);
    if (s.ok()) ledger_->Deleted(Normal(name));
    return s;
  }

 private:
  Ledger* const ledger_;
};

class PowerLossFileSystemImpl final : public PowerLossFileSystem {
 public:
  PowerLossFileSystemImpl()
      : fs_(std::make_shared<TrackingFileSystem>(&ledger_)), env_(rocksdb::NewCompositeEnv(fs_)) {}

  rocksdb::Env* env() override { return env_.get(); }
  absl::Status CaptureDurable(
      const std::vector<std::pair<std::string, std::string>>& dirs) override {
    return ledger_.Capture(dirs);
  }
  void Reset() override { ledger_.Reset(); }

 private:
  Ledger ledger_;
  std::shared_ptr<TrackingFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
};

}  // namespace

std::unique_ptr<PowerLossFileSystem> PowerLossFileSystem::Create() {
  return std::make_unique<PowerLossFileSystemImpl>();
}

}  // namespace psc::storage
