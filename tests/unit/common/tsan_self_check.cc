// A deliberate data race on pscd's side of the code, built only for TSan runs: tools/test
// --sanitize thread runs it with the same options and suppressions as the suite and fails
// unless TSan reports it, proving the set-up (ignore list, suppressions, report collection)
// still catches a race in our own code.

#include <cstdio>
#include <thread>

int main() {
  int shared = 0;
  std::thread writer([&shared] { shared = 1; });
  shared = 2;
  writer.join();
  std::printf("shared=%d\n", shared);
  return 0;
}
