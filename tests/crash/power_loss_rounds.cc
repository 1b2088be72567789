#include "tests/crash/power_loss_rounds.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "absl/strings/str_cat.h"
#include "server/daemon/server.h"
#include "server/storage/power_loss_fs.h"

namespace psc::testing {
namespace {

namespace fs = std::filesystem;

// What a disk holds of files written without fsync (the search index's: it commits without
// one) after losing power: any of them may be whole, cut short or gone. Copies `from` into
// `to` so; the number of files damaged.
int CopyUnsynced(const fs::path& from, const fs::path& to, std::mt19937& random) {
  std::error_code ec;
  fs::create_directories(to, ec);
  int damaged = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(from, ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    switch (random() % 4) {
      case 0:  // gone
        ++damaged;
        continue;
      case 1:  // cut short
        bytes.resize(bytes.empty() ? 0 : random() % bytes.size());
        ++damaged;
        break;
      default:  // whole
        break;
    }
    std::ofstream(to / entry.path().filename(), std::ios::binary) << bytes;
  }
  return damaged;
}

}  // namespace

std::vector<std::string> PowerLossRounds::Run(int rounds, bool sync) {
  auto file_system = storage::PowerLossFileSystem::Create();
  const std::string data = fs::path(dir_.Sub("data")).lexically_normal().string();
  const std::string image = dir_.Sub("image");
  std::mt19937 random(rounds);
  auto start = [&]() -> absl::StatusOr<std::unique_ptr<daemon::Server>> {
    daemon::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = data;
    options.sync = sync;
    options.storage_env = file_system->env();
    options.security.insecure = true;
    options.log_calls = service::CallLogLevel::kErrors;
    options.reflection = false;
    return daemon::Server::Start(options);
  };
  int index_rebuilds = 0, files_damaged = 0;
  for (int round = 1; round <= rounds + 1; ++round) {
    auto server = start();
    if (!server.ok()) return {absl::StrCat("pscd did not start: ", server.status().ToString())};
    const std::string target = (*server)->address();
    if (round > rounds) {
      std::vector<std::string> failures = workload_.Check(target);
      (*server)->Shutdown(absl::Seconds(5));
      std::cout << "power-loss: " << rounds << " rounds, " << workload_.acknowledged()
                << " acknowledged writes, " << workload_.unknown() << " unknown outcomes, "
                << index_rebuilds << " search index rebuilds after a power loss (" << files_damaged
                << " of its files lost or cut short)\n";
      return failures;
    }
    absl::Status captured;
    workload_.RunRound(target, round, [&] {
      // The instant power is lost. The index first: it never runs ahead of the store.
      fs::remove_all(image);
      files_damaged += CopyUnsynced(fs::path(data) / "search", fs::path(image) / "search", random);
      captured = file_system->CaptureDurable(data, image);
    });
    (*server)->Shutdown(absl::Seconds(1));
    server->reset();
    if (!captured.ok()) return {absl::StrCat("power-loss image: ", captured.ToString())};
    if (!fs::exists(fs::path(image) / "search" / "psc-closed-cleanly")) ++index_rebuilds;
    fs::remove_all(data);
    fs::rename(image, data);
    file_system->Reset();  // what is on disk now is all durable
    std::cout << "round " << round << ": power lost after " << workload_.acknowledged()
              << " acknowledged writes in all (" << workload_.unknown() << " outcomes unknown), "
              << workload_.events() << " events watched\n";
  }
  return {};
}

}  // namespace psc::testing
