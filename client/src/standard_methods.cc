// The standard methods of every kind, found through the API's descriptors: a kind's Get,
// Create, Update and Delete are "{Verb}{Message}" (GetCaseStudy), its List the List method
// whose response's first field repeats the message; their requests share one layout by field
// number (registry_service.proto, which pscd checks at start-up: method_layout.cc).

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/src/call.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/empty.pb.h"
#include "psc/client/registry_client.h"

namespace psc::client {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

const google::protobuf::ServiceDescriptor& Service() {
  // Linked in with the generated code, so always in the generated pool.
  static const auto* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          v1::Registry::service_full_name());
  return *service;
}

// Whether a List method has the layout ListRecords fills and reads: page_size = 1 (int32),
// page_token = 2, filter = 3, order_by = 4; the response's sequence = 3 (uint64). Lists of
// children (join requests, measure series) take a parent first and are not standard.
bool HasStandardListLayout(const MethodDescriptor& method) {
  using F = google::protobuf::FieldDescriptor;
  auto is = [](const Descriptor* message, int number, F::Type type) {
    const F* field = message->FindFieldByNumber(number);
    return field != nullptr && field->type() == type && !field->is_repeated();
  };
  const Descriptor* in = method.input_type();
  const Descriptor* out = method.output_type();
  return is(in, 1, F::TYPE_INT32) && is(in, 2, F::TYPE_STRING) && is(in, 3, F::TYPE_STRING) &&
         is(in, 4, F::TYPE_STRING) && is(out, 2, F::TYPE_STRING) && is(out, 3, F::TYPE_UINT64);
}

// The standard method `verb` of the kind whose message is `type`, or nullptr.
const MethodDescriptor* StandardMethod(absl::string_view verb, const Descriptor* type) {
  if (verb != "List") return Service().FindMethodByName(absl::StrCat(verb, type->name()));
  for (int i = 0; i < Service().method_count(); ++i) {
    const MethodDescriptor* m = Service().method(i);
    const auto* items = m->output_type()->FindFieldByNumber(1);
    if (absl::StartsWith(m->name(), "List") && items != nullptr && items->is_repeated() &&
        items->message_type() == type && HasStandardListLayout(*m)) {
      return m;
    }
  }
  return nullptr;
}

// The unary method taking requests of `type`, or nullptr.
const MethodDescriptor* MethodTaking(const Descriptor* type) {
  for (int i = 0; i < Service().method_count(); ++i) {
    const MethodDescriptor* m = Service().method(i);
    if (m->input_type() == type && !m->client_streaming() && !m->server_streaming()) return m;
  }
  return nullptr;
}

std::string PathOf(const MethodDescriptor& method) {
  return absl::StrCat("/", Service().full_name(), "/", method.name());
}

// An empty request of `method`, to fill by field number.
std::unique_ptr<Message> NewRequest(const MethodDescriptor& method) {
  return std::unique_ptr<Message>(google::protobuf::MessageFactory::generated_factory()
                                      ->GetPrototype(method.input_type())
                                      ->New());
}

void SetString(Message* m, int number, const std::string& value) {
  m->GetReflection()->SetString(m, m->GetDescriptor()->FindFieldByNumber(number), value);
}
Message* MutableMessage(Message* m, int number) {
  return m->GetReflection()->MutableMessage(m, m->GetDescriptor()->FindFieldByNumber(number));
}

// Sets the request's skip_similar_initiatives, which only the initiatives' requests have.
void SkipSimilarInitiatives(Message* request) {
  const auto* skip = request->GetDescriptor()->FindFieldByName("skip_similar_initiatives");
  if (skip != nullptr) request->GetReflection()->SetBool(request, skip, true);
}

absl::Status NoMethod(absl::string_view verb, const Descriptor* type) {
  return absl::InvalidArgumentError(absl::StrCat(type->full_name(), " has no ", verb,
                                                 " method: it is not a kind of the registry"));
}

}  // namespace

absl::Status RegistryClient::GetRecord(const std::string& name, Message* out) {
  const MethodDescriptor* method = StandardMethod("Get", out->GetDescriptor());
  if (method == nullptr) return NoMethod("Get", out->GetDescriptor());
  auto request = NewRequest(*method);
  SetString(request.get(), 1, name);  // Get: name = 1
  return call_->UnaryMessage(PathOf(*method), *request, out, Retry::kYes);
}

absl::Status RegistryClient::CreateRecord(const Message& resource, const CreateOptions& options,
                                          Message* out) {
  const MethodDescriptor* method = StandardMethod("Create", resource.GetDescriptor());
  if (method == nullptr) return NoMethod("Create", resource.GetDescriptor());
  auto request = NewRequest(*method);
  MutableMessage(request.get(), 1)->CopyFrom(resource);  // Create: resource = 1, resource_id = 2,
  SetString(request.get(), 2, options.id);               // request_id = 3
  SetString(request.get(), 3, options.request_id);
  if (options.skip_similar_initiatives) SkipSimilarInitiatives(request.get());
  if (options.validate_only) {
    const auto* field = request->GetDescriptor()->FindFieldByName("validate_only");
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(resource.GetDescriptor()->name(), "'s create has no validate_only"));
    }
    request->GetReflection()->SetBool(request.get(), field, true);
  }
  // A validation writes nothing, so it is retried like a read.
  return call_->UnaryMessage(
      PathOf(*method), *request, out,
      options.request_id.empty() && !options.validate_only ? Retry::kNo : Retry::kYes);
}

absl::StatusOr<v1::RegistryRecord> RegistryClient::CreateHeld(const v1::RegistryRecord& record,
                                                              const CreateOptions& options) {
  const auto* kind = record.GetDescriptor()->FindOneofByName("kind");
  const auto* field = record.GetReflection()->GetOneofFieldDescriptor(record, kind);
  if (field == nullptr) return absl::InvalidArgumentError("the record holds nothing to create");
  v1::RegistryRecord created;
  absl::Status s = CreateRecord(record.GetReflection()->GetMessage(record, field), options,
                                created.GetReflection()->MutableMessage(&created, field));
  if (!s.ok()) return s;
  return created;
}

absl::Status RegistryClient::UpdateRecord(const Message& resource,
                                          const google::protobuf::FieldMask& update_mask,
                                          const UpdateOptions& options, Message* out) {
  const MethodDescriptor* method = StandardMethod("Update", resource.GetDescriptor());
  if (method == nullptr) return NoMethod("Update", resource.GetDescriptor());
  auto request = NewRequest(*method);
  MutableMessage(request.get(), 1)->CopyFrom(resource);     // Update: resource = 1,
  MutableMessage(request.get(), 2)->CopyFrom(update_mask);  // update_mask = 2, etag = 3
  SetString(request.get(), 3, options.etag);
  if (options.skip_similar_initiatives) SkipSimilarInitiatives(request.get());
  return call_->UnaryMessage(PathOf(*method), *request, out, Retry::kNo);
}

absl::Status RegistryClient::DeleteRecord(const Descriptor* type, const std::string& name,
                                          const std::string& etag) {
  const MethodDescriptor* method = StandardMethod("Delete", type);
  if (method == nullptr) return NoMethod("Delete", type);
  auto request = NewRequest(*method);
  SetString(request.get(), 1, name);  // Delete: name = 1, etag = 2
  SetString(request.get(), 2, etag);
  google::protobuf::Empty empty;
  return call_->UnaryMessage(PathOf(*method), *request, &empty, Retry::kNo);
}

absl::Status RegistryClient::ListPageAny(const Message& request, Message* response) {
  const MethodDescriptor* method = MethodTaking(request.GetDescriptor());
  if (method == nullptr || !absl::StartsWith(method->name(), "List") ||
      method->output_type() != response->GetDescriptor()) {
    return absl::InvalidArgumentError(
        absl::StrCat(request.GetDescriptor()->full_name(), " is not the request of a List method"));
  }
  return call_->UnaryMessage(PathOf(*method), request, response, Retry::kYes);
}

absl::StatusOr<RecordPage> RegistryClient::ListRecords(const Descriptor* type,
                                                       const ListOptions& options) {
  const MethodDescriptor* method = StandardMethod("List", type);
  if (method == nullptr) return NoMethod("List", type);
  // List: page_size = 1, page_token = 2, filter = 3, order_by = 4; the response: items = 1,
  // next_page_token = 2, sequence = 3.
  auto request = NewRequest(*method);
  request->GetReflection()->SetInt32(request.get(), request->GetDescriptor()->FindFieldByNumber(1),
                                     options.page_size);
  SetString(request.get(), 2, options.page_token);
  SetString(request.get(), 3, options.filter);
  SetString(request.get(), 4, options.order_by);
  std::unique_ptr<Message> response(google::protobuf::MessageFactory::generated_factory()
                                        ->GetPrototype(method->output_type())
                                        ->New());
  absl::Status s = call_->UnaryMessage(PathOf(*method), *request, response.get(), Retry::kYes);
  if (!s.ok()) return s;
  const auto* reflection = response->GetReflection();
  const auto* descriptor = response->GetDescriptor();
  RecordPage page;
  const auto* items = descriptor->FindFieldByNumber(1);
  page.records.resize(reflection->FieldSize(*response, items));
  // Released from the back, so the records move out without a copy.
  for (size_t i = page.records.size(); i > 0; --i) {
    page.records[i - 1].reset(reflection->ReleaseLast(response.get(), items));
  }
  page.next_page_token = reflection->GetString(*response, descriptor->FindFieldByNumber(2));
  page.sequence = reflection->GetUInt64(*response, descriptor->FindFieldByNumber(3));
  return page;
}

absl::StatusOr<uint64_t> RegistryClient::ListAllAny(const Descriptor* type,
                                                    const std::string& filter,
                                                    const std::string& order_by,
                                                    const std::function<void(Message&)>& take) {
  ListOptions options{.page_size = 1000, .filter = filter, .order_by = order_by};
  std::optional<uint64_t> first_sequence;
  while (true) {
    absl::StatusOr<RecordPage> page = ListRecords(type, options);
    if (!page.ok()) return page.status();
    if (!first_sequence) first_sequence = page->sequence;
    for (auto& record : page->records) take(*record);
    if (page->next_page_token.empty()) return *first_sequence;
    options.page_token = std::move(page->next_page_token);
  }
}

absl::StatusOr<v1::Initiative> RegistryClient::UpdateInitiative(
    const v1::UpdateInitiativeRequest& request) {
  return call_->Unary(&Stub::UpdateInitiative, request, Retry::kNo);
}

}  // namespace psc::client
