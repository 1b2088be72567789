#include "tools/atlas_sync/exporter.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "server/common/durable_file.h"
#include "tools/atlas_sync/wordpress.h"

namespace psc::atlas {
namespace {

namespace rv1 = registry::v1;

uint64_t ReadCursor(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  uint64_t cursor = 0;
  (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &cursor);
  return cursor;
}

absl::Status SaveCursor(const std::string& path, uint64_t cursor) {
  return WriteFileDurably(path, absl::StrCat(cursor, "\n"));
}

std::string DocumentPath(const ExportOptions& options, uint64_t sequence, const std::string& name) {
  return absl::StrFormat("%s/%012d-%s.json", options.outbox, sequence,
                         name.substr(name.find('/') + 1));
}

absl::Status WriteEvent(const ExportOptions& options, const rv1::ChangeEvent& event) {
  std::string doc = event.change_type() == rv1::DELETED ? RemovalJson(event.resource_name())
                                                        : PostJson(event.case_study());
  return WriteFileDurably(DocumentPath(options, event.sequence(), event.resource_name()), doc);
}

// Writes every published case study as of one listing; returns the listing's sequence. The next
// page is fetched while this one is written: the two take about as long, and one is the
// server's and the network's time, the other the disk's.
absl::StatusOr<uint64_t> FullResync(client::RegistryClient& client, const ExportOptions& options) {
  rv1::ListCaseStudiesRequest request;
  request.set_page_size(1000);
  auto fetch = [&client](rv1::ListCaseStudiesRequest r) {
    return std::async(std::launch::async,
                      [&client, r = std::move(r)] { return client.ListCaseStudies(r); });
  };
  auto next = fetch(request);
  uint64_t sequence = 0;
  size_t count = 0;
  while (true) {
    absl::StatusOr<rv1::ListCaseStudiesResponse> page = next.get();
    if (!page.ok()) return page.status();
    if (sequence == 0) sequence = page->sequence();
    const bool last = page->next_page_token().empty();
    if (!last) {
      request.set_page_token(page->next_page_token());
      next = fetch(request);
    }
    // A page (up to 1,000 documents) at a time: two syncfs calls, not two fsyncs a document.
    DurableBatch batch(options.outbox);
    for (const auto& c : page->case_studies()) {
      absl::Status s = batch.Add(DocumentPath(options, sequence, c.name()), PostJson(c));
      if (!s.ok()) return s;
      ++count;
    }
    if (absl::Status s = batch.Commit(); !s.ok()) return s;
    if (last) break;
  }
  std::fprintf(stderr, "psc-atlas-sync: full resync wrote %zu case studies as of sequence %llu\n",
               count, static_cast<unsigned long long>(sequence));
  return sequence;
}

bool IsCursorExpired(const absl::Status& s) {
  return client::GetErrorDetails(s).reason == "CURSOR_EXPIRED";
}

}  // namespace

absl::Status RunExport(client::RegistryClient& client, const ExportOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.outbox, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("cannot create ", options.outbox));
  uint64_t cursor = ReadCursor(options.state_file);
  size_t written = 0;
  while (true) {
    rv1::ListChangesRequest request;
    request.set_after_sequence(cursor);
    request.add_kinds("caseStudies");
    request.set_page_size(options.page_size);
    auto page = client.ListChanges(request);
    if (!page.ok() && IsCursorExpired(page.status())) {
      std::fprintf(stderr, "psc-atlas-sync: cursor %llu expired (%s); resyncing in full\n",
                   static_cast<unsigned long long>(cursor),
                   std::string(page.status().message()).c_str());
      auto resynced = FullResync(client, options);
      if (!resynced.ok()) return resynced.status();
      cursor = *resynced;
      if (absl::Status s = SaveCursor(options.state_file, cursor); !s.ok()) return s;
      continue;
    }
    if (!page.ok()) return page.status();
    for (const auto& event : page->changes()) {
      if (absl::Status s = WriteEvent(options, event); !s.ok()) return s;
      ++written;
    }
    // The documents are durable: only now may the cursor move past them.
    if (page->next_after_sequence() != cursor) {
      cursor = page->next_after_sequence();
      if (absl::Status s = SaveCursor(options.state_file, cursor); !s.ok()) return s;
    }
    if (cursor >= page->current_sequence()) break;
  }
  std::fprintf(stderr, "psc-atlas-sync: caught up at sequence %llu (%zu documents written)\n",
               static_cast<unsigned long long>(cursor), written);
  if (options.once) return absl::OkStatus();

  client::RegistryClient::WatchHandlers handlers;
  absl::Status failed;
  handlers.on_change = [&](const rv1::ChangeEvent& event) {
    failed = WriteEvent(options, event);
    if (failed.ok()) failed = SaveCursor(options.state_file, event.sequence());
    return failed.ok();
  };
  handlers.on_progress = [&](uint64_t sequence) {
    failed = SaveCursor(options.state_file, sequence);
    return failed.ok();
  };
  absl::Status watched = client.WatchChanges(cursor, {"caseStudies"}, handlers);
  if (!failed.ok()) return failed;
  if (IsCursorExpired(watched)) return RunExport(client, options);  // resync, then watch again
  return watched;
}

}  // namespace psc::atlas
