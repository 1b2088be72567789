// The change feed: ListChanges, a resumable WatchChanges, and ListThenWatch.

#include <optional>

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

// The List method of `collection`, found by the API's naming (List + the collection with a
// capital), or nullptr when the API has none.
const google::protobuf::MethodDescriptor* ListMethodOf(const std::string& collection) {
  if (collection.empty()) return nullptr;
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      v1::Registry::service_full_name());
  std::string name = "List" + collection;
  name[4] = absl::ascii_toupper(name[4]);
  const auto* method = service->FindMethodByName(name);
  if (method == nullptr || method->output_type()->FindFieldByName("next_page_token") == nullptr) {
    return nullptr;
  }
  return method;
}

// Pages through the List method of a collection, wrapping each item in a RegistryRecord;
// returns the sequence of the first page. Every List method has the standard layout (AIP-132):
// page_size and page_token in, the items (field 1), next_page_token and sequence out.
absl::StatusOr<uint64_t> ListRecords(
    Call& call, const google::protobuf::MethodDescriptor& method,
    const std::function<void(const v1::RegistryRecord&)>& on_listed) {
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(
      factory->GetPrototype(method.input_type())->New());
  std::unique_ptr<google::protobuf::Message> page(
      factory->GetPrototype(method.output_type())->New());
  const auto* in = request->GetReflection();
  const auto* out = page->GetReflection();
  const auto* request_type = method.input_type();
  const auto* page_type = method.output_type();
  in->SetInt32(request.get(), request_type->FindFieldByName("page_size"), 1000);
  const std::string path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  std::optional<uint64_t> first_sequence;
  while (true) {
    absl::Status status = call.UnaryMessage(path, *request, page.get(), Retry::kYes);
    if (!status.ok()) return status;
    if (!first_sequence) {
      first_sequence = out->GetUInt64(*page, page_type->FindFieldByName("sequence"));
    }
    const auto* items = page_type->FindFieldByNumber(1);
    for (int i = 0; i < out->FieldSize(*page, items); ++i) {
      on_listed(ToRegistryRecord(out->GetRepeatedMessage(*page, items, i)));
    }
    const std::string token = out->GetString(*page, page_type->FindFieldByName("next_page_token"));
    if (token.empty()) return *first_sequence;
    in->SetString(request.get(), request_type->FindFieldByName("page_token"), token);
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
  const google::protobuf::MethodDescriptor* method = ListMethodOf(collection);
  if (method == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown collection ", collection));
  }
  absl::StatusOr<uint64_t> sequence = ListRecords(*call_, *method, on_listed);
  if (!sequence.ok()) return sequence.status();
  return WatchChanges(*sequence, {collection}, handlers);
}

}  // namespace psc::client
