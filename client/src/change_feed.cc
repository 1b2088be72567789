// The change feed: ListChanges, a resumable WatchChanges, and ListThenWatch.

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/src/call.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "psc/client/records.h"
#include "psc/client/registry_client.h"
#include "psc/registry/v1/registry_service.pb.h"

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

// The message type of the records in `collection`, found by the API's naming (List + the
// collection with a capital: its items), or nullptr when the API has no such List.
const google::protobuf::Descriptor* RecordTypeOf(const std::string& collection) {
  if (collection.empty()) return nullptr;
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      v1::Registry::service_full_name());
  std::string name = "List" + collection;
  name[4] = absl::ascii_toupper(name[4]);
  const auto* method = service->FindMethodByName(name);
  const auto* items = method == nullptr ? nullptr : method->output_type()->FindFieldByNumber(1);
  return items == nullptr ? nullptr : items->message_type();
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
  const google::protobuf::Descriptor* type = RecordTypeOf(collection);
  if (type == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown collection ", collection));
  }
  // A collection whose List is not a kind's standard one gets INVALID_ARGUMENT here.
  absl::StatusOr<uint64_t> sequence = ListAllAny(
      type, "", "", [&](google::protobuf::Message& m) { on_listed(ToRegistryRecord(m)); });
  if (!sequence.ok()) return sequence.status();
  return WatchChanges(*sequence, {collection}, handlers);
}

}  // namespace psc::client
