#include "tests/crash/power_loss_rounds.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "server/daemon/server.h"
#include "server/storage/power_loss_fs.h"
#include "tests/crash/synced_files.h"
#include "tools/atlas_sync/exporter.h"

namespace psc::testing {
namespace {

namespace fs = std::filesystem;
namespace v1 = registry::v1;

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

// Replaces `dir` with `image`.
void Replace(const std::string& dir, const std::string& image) {
  fs::remove_all(dir);
  fs::rename(image, dir);
}

// psc-atlas-sync's exporter, run to catch up again and again until `stop`.
void RunAtlas(const std::string& target, const std::string& dir, const std::atomic<bool>& stop) {
  auto client = CrashClient(target, absl::Seconds(5));
  const atlas::ExportOptions options{
      .state_file = dir + "/cursor", .outbox = dir + "/outbox", .once = true};
  while (!stop) {
    (void)atlas::RunExport(client, options);  // cut off by the power loss at some point
    absl::SleepFor(absl::Milliseconds(100));
  }
}

}  // namespace

std::vector<std::string> PowerLossRounds::Run(int rounds, bool sync) {
  auto file_system = storage::PowerLossFileSystem::Create();
  const std::string data = fs::path(dir_.Sub("data")).lexically_normal().string();
  const std::string sequences = backups_ + "/sequence";  // written by pscd, not RocksDB
  fs::create_directories(atlas_);
  fs::create_directories(sequences);
  synced_files::Track(atlas_);
  synced_files::Track(sequences);
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
    // A backup flushes the memtables, which makes every write before it durable, fsync or
    // not: the self-check (no fsync) takes none, so that only fsync could have saved its writes.
    options.backup = {
        .dir = backups_, .interval = sync ? absl::Seconds(1) : absl::ZeroDuration(), .keep = 3};
    return daemon::Server::Start(options);
  };
  std::vector<std::string> failures;
  int index_rebuilds = 0, files_damaged = 0;
  for (int round = 1; round <= rounds + 1; ++round) {
    auto server = start();
    if (!server.ok()) {
      failures.push_back(absl::StrCat("pscd did not start: ", server.status().ToString()));
      return failures;
    }
    const std::string target = (*server)->address();
    if (round > 1) CheckSidecars(target, &failures);
    if (round > rounds) {
      for (std::string& f : workload_.Check(target)) failures.push_back(std::move(f));
      (*server)->Shutdown(absl::Seconds(5));
      std::cout << "power-loss: " << rounds << " rounds, " << workload_.acknowledged()
                << " acknowledged writes, " << workload_.unknown() << " unknown outcomes, "
                << index_rebuilds << " search index rebuilds after a power loss (" << files_damaged
                << " of its files lost or cut short), " << backups_checked_ << " backups verified, "
                << atlas_documents_checked_
                << " Atlas documents found at or before the Atlas cursor\n";
      return failures;
    }
    std::atomic<bool> stop_atlas{false};
    std::thread atlas([&] { RunAtlas(target, atlas_, stop_atlas); });
    absl::Status captured;
    synced_files::DurableView atlas_view, sequences_view;
    workload_.RunRound(target, round, [&] {
      // The instant power is lost. Each part is imaged before what it depends on: the Atlas
      // cursor and the index never run ahead of the store, backups' sequence files come after
      // their backups.
      atlas_view = synced_files::DurableNow(atlas_);
      sequences_view = synced_files::DurableNow(sequences);
      files_damaged += CopyUnsynced(fs::path(data) / "search", dir_.Sub("search-image"), random);
      captured = file_system->CaptureDurable(
          {{data, dir_.Sub("data-image")}, {backups_, dir_.Sub("backups-image")}});
      // The machine is off: its calls end (a watch waiting for a change that will never come,
      // too), whatever this process does with its files from here.
      (*server)->Shutdown(absl::Seconds(1));
    });
    stop_atlas = true;
    atlas.join();
    server->reset();
    if (!captured.ok()) {
      failures.push_back(absl::StrCat("power-loss image: ", captured.ToString()));
      return failures;
    }
    fs::remove_all(dir_.Sub("data-image") + "/search");
    fs::rename(dir_.Sub("search-image"), dir_.Sub("data-image") + "/search");
    if (!fs::exists(dir_.Sub("data-image") + "/search/psc-closed-cleanly")) ++index_rebuilds;
    Replace(data, dir_.Sub("data-image"));
    Replace(backups_, dir_.Sub("backups-image"));
    for (auto [dir, view] : {std::pair{atlas_, &atlas_view}, {sequences, &sequences_view}}) {
      if (absl::Status s = synced_files::Restore(dir, *view); !s.ok()) {
        failures.push_back(s.ToString());
        return failures;
      }
    }
    file_system->Reset();  // what is on disk now is all durable
    std::cout << "round " << round << ": power lost after " << workload_.acknowledged()
              << " acknowledged writes in all (" << workload_.unknown() << " outcomes unknown), "
              << workload_.events() << " events watched\n";
  }
  return failures;
}

void PowerLossRounds::CheckSidecars(const std::string& target, std::vector<std::string>* failures) {
  auto client = CrashClient(target, absl::Seconds(30));
  // The Atlas cursor: whole (written durably), and never past what the store kept.
  uint64_t cursor = 0;
  if (std::ifstream in(atlas_ + "/cursor"); in) {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &cursor)) {
      failures->push_back("the Atlas cursor file holds \"" + text + "\", not a sequence");
    }
  }
  std::set<uint64_t> documents;  // the sequences the outbox has a document of
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(atlas_ + "/outbox", ec)) {
    uint64_t sequence = 0;
    const std::string file = entry.path().filename().string();
    if (absl::SimpleAtoi(file.substr(0, file.find('-')), &sequence) && entry.file_size() > 0) {
      documents.insert(sequence);
    }
  }
  v1::ListChangesRequest request;
  request.add_kinds("caseStudies");
  request.set_page_size(1000);
  uint64_t last = 0;
  while (true) {
    auto page = client.ListChanges(request);
    if (!page.ok()) {
      failures->push_back("ListChanges: " + page.status().ToString());
      return;
    }
    for (const auto& change : page->changes()) {
      if (change.sequence() > cursor) break;
      ++atlas_documents_checked_;
      if (documents.count(change.sequence()) == 0) {
        failures->push_back(absl::StrCat("the Atlas cursor is at ", cursor, " but the outbox has ",
                                         "no document of change ", change.sequence()));
      }
    }
    last = page->current_sequence();
    if (page->next_after_sequence() == request.after_sequence()) break;
    request.set_after_sequence(page->next_after_sequence());
  }
  if (cursor > last) {
    failures->push_back(
        absl::StrCat("the Atlas cursor (", cursor, ") is past the log's end (", last, ")"));
  }
  // Every backup lists (none lost the record of its sequence) and reads back whole.
  auto listed = client.ListBackups();
  if (!listed.ok()) {
    failures->push_back("ListBackups: " + listed.status().ToString());
    return;
  }
  for (const auto& backup : listed->backups()) {
    auto verified = client.VerifyBackup(backup.name());
    if (verified.status().code() == absl::StatusCode::kNotFound) continue;  // --keep's turn
    ++backups_checked_;
    if (!verified.ok()) {
      failures->push_back(backup.name() + ": " + verified.status().ToString());
    } else if (backup.sequence() > last) {
      failures->push_back(absl::StrCat(backup.name(), " holds sequence ", backup.sequence(),
                                       ", past the log's end (", last, ")"));
    }
  }
}

}  // namespace psc::testing
