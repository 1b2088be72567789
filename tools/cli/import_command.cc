#include <algorithm>
#include <atomic>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/message_differencer.h"
#include "psc/client/error_details.h"
#include "psc/registry/v1/record.pb.h"
#include "tools/cli/cli_kind.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/record_line.h"
#include "tools/cli/request_transfer.h"
#include "tools/cli/transfer.h"

namespace psc::cli {
namespace {

using google::protobuf::Message;

// Lines in flight at once by default (not with --strict, which goes one line at a time):
// enough to hide each round trip and let the server's group commit share its fsyncs.
constexpr int kDefaultImportConcurrency = 64;

struct ImportFlags {
  std::string file;
  bool strict = false;
  int concurrency = kDefaultImportConcurrency;
};

using Outcome = ImportOutcome;

struct Line {
  int number;
  registry::v1::RegistryRecord record;
};

// The server-owned fields an import neither sends nor compares.
void ClearServerOwned(Message* m) {
  for (const char* name :
       {"create_time", "update_time", "etag", "measurement_plan_status", "measurement_plan_gaps"}) {
    if (const auto* f = m->GetDescriptor()->FindFieldByName(name)) {
      m->GetReflection()->ClearField(m, f);
    }
  }
}

// Creates the resource, or replaces its writable fields when they differ. `found_existing` is
// shared by one import's lines: set once a record was found to exist already.
absl::StatusOr<Outcome> Upsert(client::RegistryClient& client, const Message& input,
                               std::atomic<bool>* found_existing) {
  MessagePtr wanted(input.New());
  wanted->CopyFrom(input);
  ClearServerOwned(wanted.get());
  const std::string name =
      wanted->GetReflection()->GetString(*wanted, wanted->GetDescriptor()->FindFieldByName("name"));
  const CliKind* kind = KindOfName(name);
  const size_t slash = name.find('/');
  // "experts/" or "experts" names no id: a create would make one up.
  if (kind == nullptr || kind->prototype->GetDescriptor() != wanted->GetDescriptor() ||
      slash == std::string::npos || slash + 1 == name.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("name \"", name, "\" is not a ", wanted->GetDescriptor()->name(), " name"));
  }
  // Into an empty registry (a restore, a migration) create first: one call a line, not two.
  // Once a record turns out to exist, read first (a re-import should not fill the server's log
  // with ALREADY_EXISTS). Any failure goes the careful way: read, compare, update (or create
  // again and report why it fails).
  // A bulk load shows no similar-initiative hints, so it asks the server not to look for them.
  const client::CreateOptions create{.id = name.substr(slash + 1),
                                     .skip_similar_initiatives = true};
  MessagePtr result = NewRecord(*kind);
  if (!*found_existing) {
    absl::Status created = client.CreateRecord(*wanted, create, result.get());
    if (created.ok()) return Outcome::kCreated;
    if (created.code() == absl::StatusCode::kAlreadyExists) *found_existing = true;
  }
  MessagePtr current = NewRecord(*kind);
  absl::Status got = client.GetRecord(name, current.get());
  if (got.code() == absl::StatusCode::kNotFound) {
    if (absl::Status s = client.CreateRecord(*wanted, create, result.get()); !s.ok()) return s;
    return Outcome::kCreated;
  }
  if (!got.ok()) return got;
  ClearServerOwned(current.get());
  if (google::protobuf::util::MessageDifferencer::Equals(*current, *wanted)) {
    return Outcome::kUnchanged;
  }
  google::protobuf::FieldMask all;
  all.add_paths("*");
  if (absl::Status s =
          client.UpdateRecord(*wanted, all, {.skip_similar_initiatives = true}, result.get());
      !s.ok())
    return s;
  return Outcome::kUpdated;
}

// Adds or replaces the series' points (BatchUpsertMeasurements: one series holds at most
// 1000, one batch); points the server has beyond the file's stay.
absl::StatusOr<Outcome> UpsertSeries(client::RegistryClient& client,
                                     const registry::v1::MeasureSeries& series) {
  registry::v1::BatchUpsertMeasurementsRequest request;
  // initiatives/{i}/series/{measure}--{site}: the server checks each part.
  const std::string& name = series.name();
  const size_t at = name.find("/series/");
  const size_t dashes = name.find("--", at == std::string::npos ? 0 : at);
  if (at == std::string::npos || dashes == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("name \"", name, "\" is not initiatives/{i}/series/{measure}--{site}"));
  }
  const std::string measure = name.substr(at + 8, dashes - at - 8);
  const std::string site = name.substr(dashes + 2);
  request.set_parent(name.substr(0, at));
  request.set_reporting_collaborative(series.reporting_collaborative());
  for (const registry::v1::MeasurePoint& p : series.points()) {
    registry::v1::Measurement* m = request.add_measurements();
    m->set_measure(measure);
    m->set_site(site);
    m->set_site_name(series.site_name());
    *m->mutable_point() = p;
  }
  auto written = client.BatchUpsertMeasurements(request);
  if (!written.ok()) return written.status();
  if (written->unchanged() == series.points_size()) return Outcome::kUnchanged;
  if (written->added() == series.points_size()) return Outcome::kCreated;
  return Outcome::kUpdated;
}

// Calls fn(0) .. fn(n-1) from `workers` threads; returns when every call has.
void ForEachConcurrently(size_t n, int workers, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) fn(i);
    });
  }
  for (std::thread& t : threads) t.join();
}

bool IsRequest(const registry::v1::RegistryRecord& record) {
  return record.has_join_request() || record.has_sharing_request();
}

// Whether a line is a resource that BatchCreateRecords creates (not measure data, not a request).
bool IsBatchable(const registry::v1::RegistryRecord& record) {
  return !record.has_measure_series() && !IsRequest(record);
}

// BatchCreateRecords calls in flight at once for `concurrency` lines in flight: a few batches
// keep the server's group commit fed (at 20,000 lines, 2 and 4 in flight import alike, 8 a
// little slower).
int BatchesInFlight(int concurrency) { return std::max(1, concurrency / 16); }

// The most lines, and bytes of records, one BatchCreateRecords call carries (the server takes
// 500 records and 1 MiB).
constexpr size_t kBatchLines = 100;
constexpr size_t kBatchBytes = 512 << 10;

// The batchable lines of `pending`, by index, in runs of at most kBatchLines lines and
// kBatchBytes bytes, in file order.
std::vector<std::vector<size_t>> Batches(const std::vector<Line>& pending) {
  std::vector<std::vector<size_t>> batches;
  size_t bytes = 0;
  for (size_t i = 0; i < pending.size(); ++i) {
    if (!IsBatchable(pending[i].record)) continue;
    const size_t size = pending[i].record.ByteSizeLong();
    if (batches.empty() || batches.back().size() == kBatchLines || bytes + size > kBatchBytes) {
      batches.emplace_back();
      bytes = 0;
    }
    batches.back().push_back(i);
    bytes += size;
  }
  return batches;
}

std::string Describe(const absl::Status& s) {
  client::ErrorDetails details = client::GetErrorDetails(s);
  std::string text(s.message());
  if (!details.reason.empty()) absl::StrAppend(&text, " [", details.reason, "]");
  return text;
}

// Reads and parses the file's non-blank lines (parsing, CPU work, spread over the cores);
// reports each bad line in order and counts it in `rejected`.
absl::StatusOr<std::vector<Line>> ReadLines(Context& ctx, const ImportFlags& flags, int* rejected) {
  std::ifstream in(flags.file);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", flags.file));
  std::vector<std::pair<int, std::string>> texts;  // line number, text
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    texts.emplace_back(number, std::move(text));
  }
  std::vector<absl::StatusOr<registry::v1::RegistryRecord>> parsed(texts.size());
  ForEachConcurrently(texts.size(),
                      static_cast<int>(std::max(1u, std::thread::hardware_concurrency())),
                      [&](size_t i) { parsed[i] = ParseRecordLine(texts[i].second); });
  std::vector<Line> lines;
  lines.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    if (!parsed[i].ok()) {
      ctx.err << flags.file << ":" << texts[i].first
              << ": not a registry record: " << parsed[i].status().message() << "\n";
      ++*rejected;
      if (flags.strict)
        return absl::InvalidArgumentError("stopped at the first bad line (--strict)");
      continue;
    }
    lines.push_back({texts[i].first, *std::move(parsed[i])});
  }
  return lines;
}

absl::Status Import(Context& ctx, const ImportFlags& flags) {
  int rejected = 0;
  absl::StatusOr<std::vector<Line>> lines = ReadLines(ctx, flags, &rejected);
  if (!lines.ok()) return lines.status();

  // Lines whose references are not there yet are retried after the others, until a pass
  // makes no progress: files need not be in dependency order.
  int counts[3] = {0, 0, 0};
  size_t done = 0;
  absl::Time last_progress = absl::Now();
  std::vector<Line> pending = *std::move(lines);
  RequestImporter requests(ctx.Client());
  std::atomic<bool> found_existing{false};
  // Until the server refuses it (not an admin, or a server without it), resources are created
  // a batch a call.
  std::atomic<bool> batching{true};
  const size_t total = pending.size();
  std::mutex progress_mu;
  auto count_done = [&](size_t n) {
    std::lock_guard<std::mutex> lock(progress_mu);
    done += n;
    if (total >= 1000 && absl::Now() - last_progress > absl::Seconds(1)) {
      ctx.err << "import: " << done << "/" << total << " records\n";
      last_progress = absl::Now();
    }
  };
  // Writes line `i` of `pending` (thread-safe but for requests: RequestImporter keeps
  // per-parent caches, so those go one at a time).
  auto apply = [&](const std::vector<Line>& pending, size_t i) -> absl::StatusOr<Outcome> {
    const auto& record = pending[i].record;
    auto outcome = record.has_measure_series() ? UpsertSeries(ctx.Client(), record.measure_series())
                   : record.has_join_request() ? requests.Import(record.join_request())
                   : record.has_sharing_request()
                       ? requests.Import(record.sharing_request())
                       : Upsert(ctx.Client(), *RecordResource(record), &found_existing);
    count_done(1);
    return outcome;
  };
  // Creates the lines `batch` of `pending` in one call and settles each line created; a line
  // that fails is left for `apply`, which reads, compares and updates, or reports why.
  auto create_batch = [&](const std::vector<Line>& pending, const std::vector<size_t>& batch,
                          std::vector<absl::StatusOr<Outcome>>& outcomes,
                          std::vector<char>& settled) {
    if (!batching || found_existing) return;
    registry::v1::BatchCreateRecordsRequest request;
    for (size_t i : batch) {
      registry::v1::RegistryRecord* record = request.add_records();
      *record = pending[i].record;
      ClearServerOwned(MutableRecordResource(record));
    }
    auto response = ctx.Client().BatchCreateRecords(request);
    if (!response.ok()) {
      const absl::StatusCode code = response.status().code();
      if (code == absl::StatusCode::kPermissionDenied || code == absl::StatusCode::kUnimplemented)
        batching = false;
      return;
    }
    size_t created = 0;
    for (size_t k = 0; k < batch.size() && k < static_cast<size_t>(response->results_size()); ++k) {
      const int code = response->results(k).error().code();
      if (code == 0) {
        outcomes[batch[k]] = Outcome::kCreated;
        settled[batch[k]] = true;
        ++created;
      } else if (code == static_cast<int>(absl::StatusCode::kAlreadyExists)) {
        found_existing = true;
      }
    }
    count_done(created);
  };
  while (!pending.empty()) {
    std::vector<Line> retry;
    std::vector<std::pair<int, absl::Status>> failures;
    // Without --strict, every line but the requests is written concurrently first, then the
    // requests in turn; the outcomes are then taken in line order, as with --strict.
    std::vector<absl::StatusOr<Outcome>> outcomes(pending.size(), absl::UnknownError("not run"));
    std::vector<char> settled(pending.size(), false);  // created by a batch
    if (!flags.strict) {
      const std::vector<std::vector<size_t>> batches = Batches(pending);
      ForEachConcurrently(batches.size(), BatchesInFlight(flags.concurrency),
                          [&](size_t b) { create_batch(pending, batches[b], outcomes, settled); });
      ForEachConcurrently(pending.size(), flags.concurrency, [&](size_t i) {
        if (!IsRequest(pending[i].record) && !settled[i]) outcomes[i] = apply(pending, i);
      });
      for (size_t i = 0; i < pending.size(); ++i) {
        if (IsRequest(pending[i].record)) outcomes[i] = apply(pending, i);
      }
    }
    for (size_t i = 0; i < pending.size(); ++i) {
      Line& line = pending[i];
      const auto& record = line.record;
      const bool series = record.has_measure_series();
      const auto outcome = flags.strict ? apply(pending, i) : std::move(outcomes[i]);
      if (outcome.ok()) {
        ++counts[static_cast<int>(*outcome)];
      } else if (client::GetErrorDetails(outcome.status()).reason == "REFERENCE_NOT_FOUND" ||
                 ((series || IsRequest(record)) &&
                  outcome.status().code() == absl::StatusCode::kNotFound)) {
        --done;  // it comes round again
        failures.emplace_back(line.number, outcome.status());
        retry.push_back(std::move(line));
      } else if (outcome.status().code() == absl::StatusCode::kUnavailable ||
                 outcome.status().code() == absl::StatusCode::kDeadlineExceeded) {
        return outcome.status();  // the server is gone: stop, a rerun resumes idempotently
      } else {
        ctx.err << flags.file << ":" << line.number << ": " << Describe(outcome.status()) << "\n";
        ++rejected;
        if (flags.strict)
          return absl::InvalidArgumentError("stopped at the first bad line (--strict)");
      }
    }
    if (retry.size() == pending.size()) {  // no progress: these references will not resolve
      for (const auto& [number, status] : failures) {
        ctx.err << flags.file << ":" << number << ": " << Describe(status) << "\n";
        ++rejected;
        if (flags.strict)
          return absl::InvalidArgumentError("stopped at the first bad line (--strict)");
      }
      break;
    }
    pending = std::move(retry);
  }
  const auto [created, updated, unchanged] = counts;
  if (created + updated == 0 && rejected == 0) {
    ctx.err << "import: nothing to change: all " << unchanged << " records already match\n";
  } else {
    ctx.err << "import: " << created << " created, " << updated << " updated, " << unchanged
            << " unchanged, " << rejected << " rejected\n";
  }
  if (rejected > 0) {
    return absl::FailedPreconditionError(absl::StrCat(rejected, " lines were rejected"));
  }
  return absl::OkStatus();
}

}  // namespace

void AddImportCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "import",
      "Create or update every record of a JSON-lines file (as psc export writes), idempotently");
  auto flags = std::make_shared<ImportFlags>();
  cmd->add_option("file", flags->file, "The JSON-lines file")->required();
  cmd->add_flag("--strict", flags->strict, "Stop at the first bad line instead of skipping it");
  cmd->add_option("--concurrency", flags->concurrency,
                  "Lines in flight at once (without --strict): as batches of up to 100 new "
                  "records, concurrency/16 calls at a time, then one call a line for the rest")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->callback([&ctx, flags] {
    if (!std::ifstream(flags->file)) {
      ctx.err << "psc: cannot read " << flags->file << "\n";
      ctx.exit_code = kExitUsage;
      return;
    }
    absl::Status s = Import(ctx, *flags);
    if (s.ok()) return;
    if (s.code() == absl::StatusCode::kFailedPrecondition ||
        s.code() == absl::StatusCode::kInvalidArgument) {
      ctx.err << "psc: " << s.message() << "\n";
      ctx.exit_code = kExitRejected;
    } else {
      ctx.exit_code = ReportError(s, ctx.err);
    }
  });
}

}  // namespace psc::cli
