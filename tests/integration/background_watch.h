#pragma once

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "psc/client/registry_client.h"
#include "tests/testing/eventually.h"

namespace psc::testing {

// A watch of `kinds` from the start of the log, running on its own thread through `client` (which
// must outlive it), recording every change and the status it ended with.
class BackgroundWatch {
 public:
  BackgroundWatch(client::RegistryClient* client, std::vector<std::string> kinds)
      : thread_([this, client, kinds = std::move(kinds)] {
          client::RegistryClient::WatchHandlers handlers;
          handlers.on_change = [this](const registry::v1::ChangeEvent& e) {
            std::lock_guard<std::mutex> lock(mu_);
            seen_.push_back(e);
            return true;
          };
          ended_ = client->WatchChanges(0, kinds, handlers);
        }) {}
  ~BackgroundWatch() { (void)Join(); }

  // Waits up to 10 s for `n` changes; whether they came.
  bool WaitFor(size_t n) {
    return Eventually([&] { return Seen().size() >= n; });
  }
  std::vector<registry::v1::ChangeEvent> Seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  // Waits for the watch to end (the server must end it); the status it ended with.
  absl::Status Join() {
    if (thread_.joinable()) thread_.join();
    return ended_;
  }

 private:
  std::mutex mu_;
  std::vector<registry::v1::ChangeEvent> seen_;  // guarded by mu_
  absl::Status ended_;                           // set by the thread before it ends
  std::thread thread_;                           // last: starts once the rest is built
};

}  // namespace psc::testing
