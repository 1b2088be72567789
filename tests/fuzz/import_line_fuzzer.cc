// libFuzzer target: a line of a file given to `psc import` (JSON of a RegistryRecord), as a
// user or another system might write it. Must never crash, hang or leak; rejection is fine.
// A line that parses must survive its own export (print, then parse again).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "google/protobuf/util/json_util.h"
#include "tools/cli/record_line.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto record = psc::cli::ParseRecordLine(input);
  if (!record.ok()) return 0;
  std::string line;
  if (!google::protobuf::util::MessageToJsonString(*record, &line).ok()) abort();
  if (!psc::cli::ParseRecordLine(line).ok()) abort();
  return 0;
}
