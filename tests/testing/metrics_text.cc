#include "tests/testing/metrics_text.h"

#include <httplib.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace psc::testing {

absl::StatusOr<std::string> HttpGet(const std::string& host_port, const std::string& path) {
  const size_t colon = host_port.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(host_port.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(absl::StrCat("not host:port: ", host_port));
  }
  httplib::Client client(host_port.substr(0, colon), port);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  auto response = client.Get(path.c_str());
  if (!response) {
    return absl::UnavailableError(
        absl::StrCat("GET ", host_port, path, ": ", httplib::to_string(response.error())));
  }
  if (response->status != 200) {
    return absl::UnavailableError(
        absl::StrCat("GET ", host_port, path, ": HTTP ", response->status, " ", response->body));
  }
  return response->body;
}

std::optional<double> SampleValue(const std::string& text, const std::string& name,
                                  const std::map<std::string, std::string>& labels) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#' || !absl::StartsWith(line, name)) continue;
    absl::string_view rest = line.substr(name.size());
    absl::string_view label_text;
    if (!rest.empty() && rest[0] == '{') {
      const size_t close = rest.find('}');
      if (close == absl::string_view::npos) continue;
      label_text = rest.substr(1, close - 1);
      rest = rest.substr(close + 1);
    }
    if (rest.empty() || rest[0] != ' ') continue;  // a longer name
    bool all = true;
    for (const auto& [label, value] : labels) {
      all = all && absl::StrContains(label_text, absl::StrCat(label, "=\"", value, "\""));
    }
    double value = 0;
    if (all && absl::SimpleAtod(rest.substr(1), &value)) return value;
  }
  return std::nullopt;
}

}  // namespace psc::testing
