// Online backups (CreateBackup, ListBackups, VerifyBackup, DeleteBackup, --backup-interval-hours,
// --backup-keep) and the offline `pscd restore`, against real pscd processes.

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/eventually.h"
#include "tests/testing/metrics_text.h"
#include "tests/testing/run_process.h"

namespace psc::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class BackupTest : public ::testing::Test {
 protected:
  // pscd on a fresh data dir with --backup-dir, plus `extra` flags.
  std::unique_ptr<PscdProcess> StartWithBackups(const std::string& data,
                                                std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--backup-dir", backups_});
    auto pscd = PscdProcess::Start({.data_dir = dir_.Sub(data), .extra_args = extra});
    EXPECT_TRUE(pscd.ok()) << pscd.status();
    return pscd.ok() ? *std::move(pscd) : nullptr;
  }

  static ProcessResult Restore(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {PscdPath(), "restore"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }

  TempDir dir_;
  const std::string backups_ = dir_.Sub("backups");
};

// Every collaborative as the change log up to `sequence` leaves it, by name.
std::map<std::string, v1::Collaborative> ReplayUpTo(client::RegistryClient& client,
                                                    uint64_t sequence) {
  std::map<std::string, v1::Collaborative> state;
  v1::ListChangesRequest request;
  request.set_page_size(1000);
  while (request.after_sequence() < sequence) {
    auto page = client.ListChanges(request);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    for (const v1::ChangeEvent& change : page->changes()) {
      if (change.sequence() > sequence) return state;
      if (change.change_type() == v1::DELETED) {
        state.erase(change.resource_name());
      } else {
        state[change.resource_name()] = change.collaborative();
      }
    }
    if (page->next_after_sequence() == request.after_sequence()) break;
    request.set_after_sequence(page->next_after_sequence());
  }
  return state;
}

TEST_F(BackupTest, ABackupTakenUnderLoadRestoresToTheStateAtItsSequence) {
  auto pscd = StartWithBackups("data");
  ASSERT_NE(pscd, nullptr);
  client::RegistryClient admin(ClientOptionsAs(pscd->target(), "admin"));
  // 16 writers create, update and delete collaboratives until told to stop.
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 16; ++w) {
    writers.emplace_back([&, w] {
      client::RegistryClient client(ClientOptionsAs(pscd->target(), "admin"));
      for (int i = 0; !stop.load() && i < 400; ++i) {
        const std::string id = absl::StrCat("w", w, "-", i);
        // With a request id, so that a connection refused under load (seen once in a CI run with
        // the machine's two cores oversubscribed) is retried rather than failing the writer.
        auto created =
            client.CreateCollaborative(MakeCollaborative(id), {.id = id, .request_id = id});
        ASSERT_TRUE(created.ok()) << created.status();
        if (i % 3 == 1) {
          v1::Collaborative renamed = *created;
          renamed.set_display_name(id + " renamed");
          ASSERT_TRUE(client.UpdateCollaborative(renamed).ok());
        }
        if (i % 5 == 4) {
          ASSERT_TRUE(
              client.DeleteCollaborative(absl::StrCat("collaboratives/w", w, "-", i - 2)).ok());
        }
        writes.fetch_add(1);
      }
    });
  }
  ASSERT_TRUE(Eventually([&] { return writes.load() >= 300; }));
  auto backup = admin.CreateBackup();
  ASSERT_TRUE(backup.ok()) << backup.status();
  const int writes_after_backup_started = writes.load();
  ASSERT_TRUE(Eventually([&] { return writes.load() >= writes_after_backup_started + 300; }));
  stop = true;
  for (auto& t : writers) t.join();
  EXPECT_EQ(backup->name(), "backups/1");
  EXPECT_GT(backup->sequence(), 300u);
  EXPECT_GT(backup->file_count(), 0u);
  auto now = admin.ListAllCollaboratives();
  ASSERT_TRUE(now.ok());
  const std::map<std::string, v1::Collaborative> expected = ReplayUpTo(admin, backup->sequence());
  ASSERT_LT(expected.size(), now->size()) << "the writers went on after the backup";

  const std::string restored_dir = dir_.Sub("restored");
  ProcessResult restore = Restore({"--from", backups_, "--data-dir", restored_dir});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_THAT(restore.out,
              HasSubstr(absl::StrCat("restored backups/1 (sequence ", backup->sequence(), ",")));
  pscd.reset();

  auto restored = PscdProcess::Start({.data_dir = restored_dir});
  ASSERT_TRUE(restored.ok()) << restored.status();
  client::RegistryClient reader(ClientOptionsAs((*restored)->target(), "admin"));
  auto listed = reader.ListAllCollaboratives();
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), expected.size());
  for (const v1::Collaborative& c : *listed) {
    auto it = expected.find(c.name());
    ASSERT_NE(it, expected.end()) << c.name() << " is not in the log up to the backup";
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(c, it->second)) << c.name();
  }
  // The change log ends at the backup's sequence, and the rebuilt index finds the records.
  v1::ListChangesRequest tail;
  tail.set_after_sequence(backup->sequence());
  auto changes = reader.ListChanges(tail);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->current_sequence(), backup->sequence());
  EXPECT_TRUE(changes->changes().empty());
  v1::SearchRequest search;
  search.set_query(expected.begin()->second.display_name());
  search.set_min_sequence(backup->sequence());
  auto found = reader.Search(search);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_GT(found->hits_size(), 0);
}

TEST_F(BackupTest, ListVerifyDeleteAndKeepTheLatest) {
  auto pscd = StartWithBackups("data", {"--backup-keep", "2"});
  ASSERT_NE(pscd, nullptr);
  client::RegistryClient admin(ClientOptionsAs(pscd->target(), "admin"));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(admin.CreateCollaborative(MakeCollaborative(), {.id = absl::StrCat("c", i)}).ok());
    auto backup = admin.CreateBackup();
    ASSERT_TRUE(backup.ok()) << backup.status();
    EXPECT_EQ(backup->name(), absl::StrCat("backups/", i + 1));
    EXPECT_EQ(backup->sequence(), static_cast<uint64_t>(i + 1));
  }
  auto list = admin.ListBackups();
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->backups_size(), 2);  // --backup-keep 2
  EXPECT_EQ(list->backups(0).name(), "backups/2");
  EXPECT_EQ(list->backups(1).name(), "backups/3");
  EXPECT_EQ(list->backups(1).sequence(), 3u);

  auto verified = admin.VerifyBackup("backups/3");
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->sequence(), 3u);
  ASSERT_TRUE(admin.DeleteBackup("backups/2").ok());
  list = admin.ListBackups();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->backups_size(), 1);

  EXPECT_EQ(admin.VerifyBackup("backups/2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(admin.DeleteBackup("backups/2").code(), absl::StatusCode::kNotFound);
  for (const char* bad : {"backups/0", "backups/x", "backups/01", "experts/1", ""}) {
    absl::Status s = admin.VerifyBackup(bad).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(Reason(s), "INVALID_NAME") << bad;
  }
  // The newest backup's time is a metric, for the "backup too old" alert.
  EXPECT_THAT(HttpGet(pscd->metrics_target(), "/metrics").value_or(""),
              HasSubstr("psc_backup_latest_timestamp_seconds "));
  // And in `psc admin status`.
  auto status = admin.GetServerStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->latest_backup_time().seconds(), list->backups(0).create_time().seconds());
}

// A crash between RocksDB's backup and the record of its sequence leaves a backup that was never
// reported taken: the next start removes it, and the others are listed and verify.
TEST_F(BackupTest, ABackupCutOffBeforeItsSequenceWasRecordedIsRemovedAtStart) {
  auto pscd = StartWithBackups("data");
  ASSERT_NE(pscd, nullptr);
  client::RegistryClient admin(ClientOptionsAs(pscd->target(), "admin"));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(admin.CreateCollaborative(MakeCollaborative(), {.id = absl::StrCat("c", i)}).ok());
    ASSERT_TRUE(admin.CreateBackup().ok());
  }
  pscd->Stop(SIGKILL);
  ASSERT_TRUE(fs::remove(backups_ + "/sequence/2"));  // as if cut off before it was written

  pscd = StartWithBackups("data");
  ASSERT_NE(pscd, nullptr);
  client::RegistryClient again(ClientOptionsAs(pscd->target(), "admin"));
  auto list = again.ListBackups();
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->backups_size(), 1);
  EXPECT_EQ(list->backups(0).name(), "backups/1");
  EXPECT_TRUE(again.VerifyBackup("backups/1").ok());
  EXPECT_EQ(again.VerifyBackup("backups/2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(pscd->WaitForLog("backups/2 was cut off before its sequence was recorded"))
      << pscd->Log();
}

TEST_F(BackupTest, OnlyAdminsAndOnlyWithABackupDir) {
  auto pscd = StartWithBackups("data");
  ASSERT_NE(pscd, nullptr);
  for (const char* who : {"lead-wessex", "member-wessex", "reader", "atlas"}) {
    client::RegistryClient client(ClientOptionsAs(pscd->target(), who));
    for (const absl::Status& s :
         {client.CreateBackup().status(), client.ListBackups().status(),
          client.VerifyBackup("backups/1").status(), client.DeleteBackup("backups/1")}) {
      EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << who;
      EXPECT_EQ(Reason(s), "ROLE_NOT_ALLOWED") << who;
    }
  }
  EXPECT_FALSE(fs::exists(backups_ + "/meta/1"));

  auto plain = PscdProcess::Start({.data_dir = dir_.Sub("plain")});
  ASSERT_TRUE(plain.ok()) << plain.status();
  client::RegistryClient admin(ClientOptionsAs((*plain)->target(), "admin"));
  absl::Status s = admin.CreateBackup().status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Reason(s), "BACKUPS_NOT_CONFIGURED");
  EXPECT_THAT(HttpGet((*plain)->metrics_target(), "/metrics").value_or(""),
              Not(HasSubstr("psc_backup_latest_timestamp_seconds")));
  // A schedule without a dir is a usage error.
  auto unscheduled = PscdProcess::Start(
      {.data_dir = dir_.Sub("unscheduled"), .extra_args = {"--backup-interval-hours", "1"}});
  ASSERT_FALSE(unscheduled.ok());
  EXPECT_THAT(unscheduled.status().message(), HasSubstr("--backup-dir"));
}

// The first file of `dir` (recursively) whose name ends with `suffix`.
std::string FindFile(const std::string& dir, const std::string& suffix) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string path = entry.path().string();
    if (entry.is_regular_file() && path.size() >= suffix.size() &&
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return path;
    }
  }
  return "";
}

TEST_F(BackupTest, VerifyAndRestoreDetectACorruptedFile) {
  auto pscd = StartWithBackups("data");
  ASSERT_NE(pscd, nullptr);
  client::RegistryClient admin(ClientOptionsAs(pscd->target(), "admin"));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(admin.CreateCollaborative(MakeCollaborative(), {.id = absl::StrCat("c", i)}).ok());
  }
  // Stop and start again, so that the records are in a table file rather than only the log.
  pscd.reset();
  pscd = StartWithBackups("data");
  ASSERT_NE(pscd, nullptr);
  client::RegistryClient again(ClientOptionsAs(pscd->target(), "admin"));
  ASSERT_TRUE(again.CreateBackup().ok());
  ASSERT_TRUE(again.VerifyBackup("backups/1").ok());

  // Flip one byte in the middle of a table file: same size, another checksum.
  const std::string table = FindFile(backups_ + "/shared_checksum", ".sst");
  ASSERT_FALSE(table.empty());
  {
    std::fstream file(table, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(fs::file_size(table) / 2));
    char byte = 0;
    file.get(byte);
    file.seekp(static_cast<std::streamoff>(fs::file_size(table) / 2));
    file.put(static_cast<char>(byte ^ 0x5a));
  }
  absl::Status s = again.VerifyBackup("backups/1").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Reason(s), "BACKUP_CORRUPT");
  EXPECT_THAT(std::string(s.message()), HasSubstr(".sst"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr(backups_)));  // no server paths

  const std::string target = dir_.Sub("restored");
  ProcessResult restore = Restore({"--from", backups_, "--data-dir", target});
  EXPECT_EQ(restore.exit_code, 1);
  EXPECT_THAT(restore.err, HasSubstr("pscd restore: "));
  EXPECT_THAT(restore.err, HasSubstr(fs::path(table).filename().string())) << "names the file";
  EXPECT_FALSE(fs::exists(target)) << "a failed restore leaves nothing behind";

  // A file gone is damage too.
  fs::remove(table);
  s = again.VerifyBackup("backups/1").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_EQ(Reason(s), "BACKUP_CORRUPT");
}

TEST_F(BackupTest, RestoreRefusesANonEmptyTargetAndAMissingBackup) {
  auto pscd = StartWithBackups("data");
  ASSERT_NE(pscd, nullptr);
  client::RegistryClient admin(ClientOptionsAs(pscd->target(), "admin"));
  ASSERT_TRUE(admin.CreateCollaborative(MakeCollaborative(), {.id = "wessex"}).ok());
  ASSERT_TRUE(admin.CreateBackup().ok());

  const std::string target = dir_.Sub("occupied");
  fs::create_directories(target);
  std::ofstream(target + "/keep.txt") << "precious";
  ProcessResult r = Restore({"--from", backups_, "--data-dir", target});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("is not empty: a restore never overwrites data"));
  EXPECT_EQ(fs::file_size(target + "/keep.txt"), 8u);
  EXPECT_EQ(std::distance(fs::directory_iterator(target), fs::directory_iterator()), 1);

  r = Restore({"--from", backups_, "--backup-id", "7", "--data-dir", dir_.Sub("fresh")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("backups/7 does not exist"));
  r = Restore({"--from", dir_.Sub("nowhere"), "--data-dir", dir_.Sub("fresh")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("holds no backups"));
  r = Restore({"--data-dir", dir_.Sub("fresh")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--from"));
}

TEST_F(BackupTest, TheScheduleTakesBackupsByItself) {
  // 0.0003 h is about a second.
  auto pscd = StartWithBackups("data", {"--backup-interval-hours", "0.0003", "--backup-keep", "2"});
  ASSERT_NE(pscd, nullptr);
  ASSERT_TRUE(pscd->WaitForLog("backups: took backups/3 at sequence 0", absl::Seconds(20)))
      << pscd->Log();
  client::RegistryClient admin(ClientOptionsAs(pscd->target(), "admin"));
  auto list = admin.ListBackups();
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_LE(list->backups_size(), 2);
}

}  // namespace
}  // namespace psc::testing
