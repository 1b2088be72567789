// The change feed: ListChanges, a resumable WatchChanges, and ListThenWatch.

#include <optional>

#include "absl/strings/str_cat.h"
#include "client/src/call.h"
#include "psc/client/records.h"
#include "psc/client/registry_client.h"

namespace psc::client {
namespace {

// Whether a broken watch should be resumed rather than reported.
bool Resumable(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kUnavailable ||
      status.code() == absl::StatusCode::kDeadlineExceeded) {
    return true;
  }
  return status.code() == absl::StatusCode::kResourceExhausted &&
         GetErrorDetails(status).reason == "WATCHER_TOO_SLOW";
}

// Pages through one List method, wrapping each item in a RegistryRecord; returns the sequence
// of the first page.
template <typename Request, typename Response>
absl::StatusOr<uint64_t> ListRecords(
    Call& call, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const std::function<void(const v1::RegistryRecord&)>& on_listed) {
  Request request;
  request.set_page_size(1000);
  std::optional<uint64_t> first_sequence;
  while (true) {
    absl::StatusOr<Response> page = call.Unary(method, request, Retry::kYes);
    if (!page.ok()) return page.status();
    if (!first_sequence) first_sequence = page->sequence();
    const auto* items = page->GetDescriptor()->FindFieldByNumber(1);
    const auto* reflection = page->GetReflection();
    for (int i = 0; i < reflection->FieldSize(*page, items); ++i) {
      on_listed(ToRegistryRecord(reflection->GetRepeatedMessage(*page, items, i)));
    }
    if (page->next_page_token().empty()) return *first_sequence;
    request.set_page_token(page->next_page_token());
  }
}

}  // namespace

absl::StatusOr<v1::ListChangesResponse> RegistryClient::ListChanges(
    const v1::ListChangesRequest& request) {
  return call_->Unary(&Stub::ListChanges, request, Retry::kYes);
}

absl::Status RegistryClient::WatchChanges(uint64_t after_sequence,
                                          const std::vector<std::string>& kinds,
                                          const WatchHandlers& handlers) {
  uint64_t cursor = after_sequence;
  absl::Duration backoff = options_.retry.initial_backoff;
  for (int failures = 0;;) {
    v1::WatchChangesRequest request;
    request.set_after_sequence(cursor);
    for (const std::string& kind : kinds) request.add_kinds(kind);
    absl::Status status = call_->Watch(request, [&](const v1::WatchChangesResponse& message) {
      failures = 0;
      backoff = options_.retry.initial_backoff;
      if (message.has_change()) {
        cursor = message.change().sequence();
        return handlers.on_change(message.change());
      }
      cursor = std::max(cursor, message.progress().sequence());
      return !handlers.on_progress || handlers.on_progress(message.progress().sequence());
    });
    if (status.ok()) return status;  // a handler stopped the watch
    if (!Resumable(status) || ++failures >= options_.retry.max_attempts) return status;
    absl::SleepFor(backoff);
    backoff = std::min(backoff * options_.retry.backoff_multiplier, options_.retry.max_backoff);
  }
}

absl::Status RegistryClient::ListThenWatch(
    const std::string& collection, const std::function<void(const v1::RegistryRecord&)>& on_listed,
    const WatchHandlers& handlers) {
  absl::StatusOr<uint64_t> sequence;
  if (collection == "collaboratives") {
    sequence = ListRecords(*call_, &Stub::ListCollaboratives, on_listed);
  } else if (collection == "initiatives") {
    sequence = ListRecords(*call_, &Stub::ListInitiatives, on_listed);
  } else if (collection == "caseStudies") {
    sequence = ListRecords(*call_, &Stub::ListCaseStudies, on_listed);
  } else if (collection == "experts") {
    sequence = ListRecords(*call_, &Stub::ListExperts, on_listed);
  } else if (collection == "resources") {
    sequence = ListRecords(*call_, &Stub::ListResources, on_listed);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown collection ", collection));
  }
  if (!sequence.ok()) return sequence.status();
  return WatchChanges(*sequence, {collection}, handlers);
}

}  // namespace psc::client
