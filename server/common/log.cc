#include "server/common/log.h"

#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

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

}  // namespace

void SetLogFormat(LogFormat format) { g_format.store(format); }

void Log(LogLevel level, absl::string_view message, absl::Span<const LogField> fields) {
  static constexpr absl::string_view kNames[] = {"INFO", "WARN", "ERROR"};
  const std::string time =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
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
  // One write(2) keeps concurrent lines whole.
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace psc
