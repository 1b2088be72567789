// libFuzzer target: resource names and ids from untrusted callers, for every kind.

#include <cstddef>
#include <cstdint>
#include <string>

#include "server/registry/fields/names.h"
#include "server/registry/kinds/kind_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  (void)psc::registry::IsValidId(input);
  (void)psc::registry::ParentName(input);
  (void)psc::registry::KindOfName(input);
  for (const psc::registry::RecordKind* kind : psc::registry::AllKinds()) {
    (void)psc::registry::ParseName(input, kind->collection(), "name");
    (void)kind->IdOfName(input, "name");
  }
  (void)psc::registry::ParseChildName(input, "initiatives", "joinRequests", "name");
  return 0;
}
