#include "server/common/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/common/mutex.h"

namespace psc {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

// A text value as is when it is one word, else quoted (with its quotes escaped), so that
// key=value pairs stay parseable.
std::string TextValue(absl::string_view value) {
  if (!value.empty() && !absl::StrContains(value, ' ') && !absl::StrContains(value, '"') &&
      !absl::StrContains(value, '=')) {
    return std::string(value);
  }
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

// "2026-12-07T21:13:15.123Z". The seconds are formatted once a second per thread: absl's
// FormatTime on every line was a noticeable part of a logged call.
std::string TimeText(absl::Time now) {
  thread_local int64_t cached_second = INT64_MIN;
  thread_local std::string cached;
  const int64_t millis = absl::ToUnixMillis(now);
  const int64_t second = millis >= 0 ? millis / 1000 : (millis - 999) / 1000;
  if (second != cached_second) {
    cached =
        absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second), absl::UTCTimeZone());
    cached_second = second;
  }
  const int64_t ms = millis - second * 1000;
  std::string text = cached;
  text.push_back('.');
  text.push_back(static_cast<char>('0' + ms / 100));
  text.push_back(static_cast<char>('0' + ms / 10 % 10));
  text.push_back(static_cast<char>('0' + ms % 10));
  text.push_back('Z');
  return text;
}

// Writes lines to stderr from a thread of its own, in batches: a line costs its caller a copy
// under a lock, not a write(2) (a busy pscd logs every call). Errors are written at once, after
// everything queued before them, so that what explains a crash never waits in memory; the rest
// is flushed at exit. Lines keep their order.
class LineWriter {
 public:
  static LineWriter& Get() {
    static LineWriter* writer = new LineWriter;  // never destroyed: its thread outlives main
    return *writer;
  }

  void Append(const std::string& line, bool now) {
    {
      MutexLock lock(&mu_);
      // The first line of a batch starts the writer's wait; a full batch ends it.
      if (pending_.empty() ||
          (pending_.size() < kBatchBytes && pending_.size() + line.size() >= kBatchBytes)) {
        wake_.Signal();
      }
      pending_ += line;
    }
    if (now) WriteOut();
  }

  // Writes what is queued, in order with every other batch.
  void WriteOut() {
    MutexLock write_lock(&write_mu_);
    std::string batch;
    {
      MutexLock lock(&mu_);
      batch.swap(pending_);
    }
    for (size_t done = 0; done < batch.size();) {
      const ssize_t n = ::write(STDERR_FILENO, batch.data() + done, batch.size() - done);
      if (n <= 0) break;  // nowhere to write: nothing better to do with the lines
      done += static_cast<size_t>(n);
    }
  }

 private:
  LineWriter() {
    std::thread([this] { Run(); }).detach();
    std::atexit([] { LineWriter::Get().WriteOut(); });
  }

  void Run() {
    while (true) {
      {
        MutexLock lock(&mu_);
        while (pending_.empty()) wake_.Wait(&mu_);
        // Let a batch gather (a line waits at most kBatchDelay): one write(2) and one wake-up
        // a batch, not a line.
        const absl::Time until = absl::Now() + kBatchDelay;
        while (pending_.size() < kBatchBytes && wake_.WaitWithDeadline(&mu_, until)) {
        }
      }
      WriteOut();
    }
  }

  static constexpr size_t kBatchBytes = 64 << 10;
  static constexpr absl::Duration kBatchDelay = absl::Milliseconds(10);

  Mutex write_mu_;  // one batch written at a time, so that batches keep their order
  Mutex mu_;
  CondVar wake_;
  std::string pending_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

void FlushLog() { LineWriter::Get().WriteOut(); }

void SetLogFormat(LogFormat format) { g_format.store(format); }

void Log(LogLevel level, absl::string_view message, absl::Span<const LogField> fields) {
  static constexpr absl::string_view kNames[] = {"INFO", "WARN", "ERROR"};
  const std::string time = TimeText(absl::Now());
  std::string line;
  if (g_format.load() == LogFormat::kJson) {
    // protobuf's JSON mapping of a Struct does the escaping (control characters, quotes).
    google::protobuf::Struct object;
    auto& values = *object.mutable_fields();
    values["time"].set_string_value(time);
    values["level"].set_string_value(std::string(kNames[static_cast<int>(level)]));
    values["msg"].set_string_value(std::string(message));
    for (const auto& [key, value] : fields) values[std::string(key)].set_string_value(value);
    if (!google::protobuf::util::MessageToJsonString(object, &line).ok()) return;
  } else {
    line = absl::StrCat(time, " ", kNames[static_cast<int>(level)], " ", message);
    for (const auto& [key, value] : fields) absl::StrAppend(&line, " ", key, "=", TextValue(value));
  }
  line.push_back('\n');
  LineWriter::Get().Append(line, /*now=*/level == LogLevel::kError);
}

}  // namespace psc
