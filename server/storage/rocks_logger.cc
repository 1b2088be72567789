#include "server/storage/rocks_logger.h"

#include <cstdarg>
#include <cstdio>
#include <string>

#include "server/common/log.h"

namespace psc::storage {
namespace {

class PscdLogger final : public rocksdb::Logger {
 public:
  PscdLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}

  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel() || level == rocksdb::InfoLogLevel::HEADER_LEVEL) return;
    char buffer[1024];
    const int n = std::vsnprintf(buffer, sizeof(buffer), format, ap);
    if (n < 0) return;
    const std::string line = std::string("rocksdb: ") + buffer;
    if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) {
      LogError(line);
    } else {
      LogWarning(line);
    }
  }
};

class DiscardingLogger final : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewRocksLogger() { return std::make_shared<PscdLogger>(); }

std::shared_ptr<rocksdb::Logger> NewDiscardingRocksLogger() {
  return std::make_shared<DiscardingLogger>();
}

}  // namespace psc::storage
