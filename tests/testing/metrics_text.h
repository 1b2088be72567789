#pragma once
// Reading Prometheus metrics in tests: GET over HTTP (cpp-httplib) and finding one sample.

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace psc::testing {

// The body of GET http://{host_port}{path}, or an error naming the HTTP status or failure.
absl::StatusOr<std::string> HttpGet(const std::string& host_port, const std::string& path);

// The value of the sample of `name` whose labels include every one of `labels` in Prometheus's
// text exposition format, or nullopt when there is none.
std::optional<double> SampleValue(const std::string& text, const std::string& name,
                                  const std::map<std::string, std::string>& labels = {});

}  // namespace psc::testing
