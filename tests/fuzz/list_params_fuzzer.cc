// libFuzzer target: List parameters from untrusted callers. A filter for every kind, order_by,
// and page tokens (decoded against a fixed secret). Must never crash, hang or leak; errors are
// fine.

#include <cstddef>
#include <cstdint>
#include <string>

#include "server/registry/kinds/kind_table.h"
#include "server/registry/records/list_query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  for (const psc::registry::RecordKind* kind : psc::registry::AllKinds()) {
    (void)psc::registry::ParseFilter(input, kind->filter_fields());
  }
  (void)psc::registry::ParseOrderBy(input);
  static const psc::registry::PageTokens tokens("fuzzing secret");
  (void)tokens.Decode("initiatives", input);
  return 0;
}
