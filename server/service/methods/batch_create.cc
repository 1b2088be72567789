#include "server/service/methods/batch_create.h"

#include <atomic>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "psc/registry/v1/display_name.h"
#include "server/common/errors.h"
#include "server/registry/kinds/kind_table.h"
#include "server/service/calls/unary_call.h"

namespace psc::service {
namespace {

namespace v1 = registry::v1;
using google::protobuf::Message;

// The top-level kind a record holds (the kind table's record_field) and its resource, or an
// error for a record that holds none BatchCreateRecords creates.
struct Held {
  const registry::RecordKind* kind;
  const Message* resource;
};
absl::StatusOr<Held> ResourceOf(const v1::RegistryRecord& record, int index) {
  const auto* oneof = record.GetDescriptor()->FindOneofByName("kind");
  const auto* field = record.GetReflection()->GetOneofFieldDescriptor(record, oneof);
  for (const registry::RecordKind* kind : registry::AllKinds()) {
    if (field != nullptr && kind->spec().record_field == field->name()) {
      return Held{kind, &record.GetReflection()->GetMessage(record, field)};
    }
  }
  return ArgumentError(
      absl::StrCat("records[", index, "]"), "UNSUPPORTED_RECORD",
      absl::StrCat("BatchCreateRecords creates ", registry::CollectionList(registry::AllKinds()),
                   "; measure data goes through BatchUpsertMeasurements, "
                   "requests through their own methods"));
}

// What every record's Create completes into; the last to complete finishes the call.
struct Batch {
  Batch(UnaryReactor* reactor, v1::BatchCreateRecordsResponse* response, int size)
      : reactor(reactor), response(response), errors(size), remaining(size) {}

  // Records record `i`'s outcome (each index once, from any thread).
  void Complete(int i, absl::Status status) {
    errors[i] = std::move(status);
    // acq_rel: the last to complete sees every other record's outcome.
    if (remaining.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    for (int k = 0; k < static_cast<int>(errors.size()); ++k) {
      if (!errors[k].ok()) *response->mutable_results(k)->mutable_error() = ToRpcStatus(errors[k]);
    }
    reactor->Finish(grpc::Status::OK);
  }

  UnaryReactor* const reactor;
  v1::BatchCreateRecordsResponse* const response;
  std::vector<absl::Status> errors;
  std::atomic<int> remaining;
};

}  // namespace

grpc::ServerUnaryReactor* BatchCreateRecords(registry::Registry* registry, const CallGate& gate,
                                             grpc::CallbackServerContext* context,
                                             const v1::BatchCreateRecordsRequest& request,
                                             v1::BatchCreateRecordsResponse* response) {
  if (absl::Status size = CheckRequestSize(request); !size.ok()) return FinishUnary(size);
  // Who first: a refused caller spends no write tokens.
  auto who = gate.Authenticate(*context);
  if (!who.ok()) return FinishUnary(who.status());
  if (who->role != v1::ADMIN) {
    return FinishUnary(Error(absl::StatusCode::kPermissionDenied, "ROLE_NOT_ALLOWED",
                             absl::StrCat("only admins create records in batches; the caller is a ",
                                          v1::DisplayName(who->role))));
  }
  const int n = request.records_size();
  if (n == 0 || n > kMaxBatchCreateRecords) {
    return FinishUnary(ValidationError(
        {{"records", absl::StrCat("give 1 to ", kMaxBatchCreateRecords, " records, not ", n)}}));
  }
  auto admitted = gate.Admit(*context, Cost::kWrite, n);
  if (!admitted.ok()) return FinishUnary(admitted.status());
  const Caller& caller = admitted->caller;
  for (int i = 0; i < n; ++i) response->add_results();
  UnaryReactor* reactor = NewUnaryReactor();
  auto batch = std::make_shared<Batch>(reactor, response, n);
  for (int i = 0; i < n; ++i) {
    absl::StatusOr<Held> held = ResourceOf(request.records(i), i);
    if (!held.ok()) {
      batch->Complete(i, held.status());
      continue;
    }
    const Message& resource = *held->resource;
    const std::string name(resource.GetReflection()->GetString(
        resource, resource.GetDescriptor()->FindFieldByName("name")));
    response->mutable_results(i)->set_name(name);
    const registry::RecordKind* kind = held->kind;
    if (registry::KindOfName(name) != kind) {
      batch->Complete(i, ArgumentError(absl::StrCat("records[", i, "].name"), "INVALID_NAME",
                                       absl::StrCat("\"", name, "\" is not a ",
                                                    resource.GetDescriptor()->name(), " name")));
      continue;
    }
    // The id the name gives (never empty: a random one would not be the name's).
    absl::StatusOr<std::string> id = kind->IdOfName(name, absl::StrCat("records[", i, "].name"));
    if (!id.ok()) {
      batch->Complete(i, id.status());
      continue;
    }
    registry::RecordPtr copy(resource.New());
    copy->CopyFrom(resource);
    registry->Create(caller, *kind, std::move(copy), registry::CreateParams{*std::move(id), ""},
                     [batch, i](absl::StatusOr<registry::RecordPtr> created) {
                       batch->Complete(i, created.status());
                     });
  }
  return reactor;
}

}  // namespace psc::service
