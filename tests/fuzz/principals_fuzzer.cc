// libFuzzer target: the principals file (JSON), as an operator might get it wrong.

#include <cstddef>
#include <cstdint>
#include <string>

#include "server/auth/principals.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto principals = psc::auth::Principals::Parse(input, "fuzz.json");
  if (principals.ok()) (void)(*principals)->Find("spiffe://psc-registry/people/x");
  return 0;
}
