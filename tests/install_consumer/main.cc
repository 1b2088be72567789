// Lists the collaboratives of the registry at argv[1] and prints how many there are.
#include <iostream>

#include "psc/client/registry_client.h"

int main(int argc, char** argv) {
  psc::client::ClientOptions options;
  if (argc > 1) options.target = argv[1];
  options.deadline = absl::Seconds(5);
  options.insecure = true;  // the test runs pscd --insecure on 127.0.0.1
  psc::client::RegistryClient client(options);
  auto all = client.ListAllCollaboratives();
  if (!all.ok()) {
    std::cerr << all.status() << " reason=" << psc::client::GetErrorDetails(all.status()).reason
              << "\n";
    return 1;
  }
  std::cout << all->size() << " collaboratives\n";
  return 0;
}
