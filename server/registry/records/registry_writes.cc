// Registry::Create, Update and Delete. Stateless checks run on the caller's thread; checks that
// depend on stored state run inside the store transaction, so they are atomic with the write.

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "server/common/status_macros.h"
#include "server/common/utf8.h"
#include "server/registry/access/access_policy.h"
#include "server/registry/fields/names.h"
#include "server/registry/fields/resource_fields.h"
#include "server/registry/fields/validator.h"
#include "server/registry/records/record_layout.h"
#include "server/registry/records/record_writer.h"
#include "server/registry/records/registry.h"
#include "server/registry/records/update_mask.h"
#include "server/storage/keys.h"

namespace psc::registry {
namespace {

using google::protobuf::Message;
using storage::Family;
using storage::WriteTxn;

constexpr size_t kMaxRequestIdLength = 64;

std::string Fingerprint(const Message& resource, absl::string_view id) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  {
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    resource.SerializeToCodedStream(&out);
  }
  absl::StrAppend(&bytes, "\n", id);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

// Looks up a request id: the original result when `fingerprint` matches, nullptr when the id
// is new, REQUEST_ID_REUSED when it was used for another request.
absl::StatusOr<RecordPtr> FindRequest(WriteTxn& txn, const RecordKind& kind,
                                      const std::string& request_key,
                                      const std::string& fingerprint) {
  PSC_ASSIGN_OR_RETURN(auto stored, txn.Get(Family::kMeta, request_key));
  if (!stored) return nullptr;
  std::string stored_fingerprint, serialized;
  int64_t created = 0;
  RecordPtr original(kind.prototype().New());
  if (!ParseRequestValue(*stored, &stored_fingerprint, &serialized, &created) ||
      !original->ParseFromString(serialized)) {
    return absl::InternalError("corrupt request record");
  }
  if (stored_fingerprint != fingerprint) {
    return ArgumentError("request_id", "REQUEST_ID_REUSED",
                         "was already used for a different request");
  }
  return original;
}

}  // namespace

void Registry::Create(const Caller& caller, const RecordKind& kind, RecordPtr resource,
                      CreateParams params, RecordCallback done) {
  ClearFields(resource.get(), OutputOnlyFields(kind.derived_fields()));
  kind.ApplyDefaults(resource.get());
  // Permission first: ownership comes from the caller's identity, never from the request.
  absl::Status allowed = CheckOperation(caller, kind, Operation::kCreate);
  if (allowed.ok()) allowed = AuthorizeCreate(caller, kind, resource.get());
  if (!allowed.ok()) return std::move(done)(allowed);
  std::vector<FieldViolation> violations;
  Validator v(&violations);
  if (!params.id.empty() && !IsValidId(params.id)) {
    v.Fail(absl::StrCat(kind.singular(), "_id"),
           "must be 1 to 63 of a-z, 0-9 and '-', starting with a letter and not ending in '-'");
  }
  v.Text("request_id", params.request_id, kMaxRequestIdLength);
  for (FieldViolation& fv : Violations(kind, *resource)) violations.push_back(std::move(fv));
  if (!violations.empty()) return std::move(done)(ValidationError(violations));

  std::string fingerprint = params.request_id.empty() ? "" : Fingerprint(*resource, params.id);
  std::string id = params.id.empty() ? RandomId() : params.id;
  SetName(resource.get(), ResourceName(kind.collection(), id));
  kind.Derive(resource.get());
  if (absl::Status s = kind.CheckWrite(caller, nullptr, *resource); !s.ok()) {
    return std::move(done)(s);
  }

  auto input = std::shared_ptr<Message>(std::move(resource));
  auto result = std::make_shared<RecordPtr>();
  std::string request_key =
      params.request_id.empty() ? "" : RequestKey(kind.collection(), params.request_id);
  const bool validate_only = params.validate_only;
  storage::Mutation mutation = [&kind, input, result, id, request_key, fingerprint, validate_only,
                                actor = caller](WriteTxn& txn) -> absl::Status {
    if (!request_key.empty()) {
      PSC_ASSIGN_OR_RETURN(*result, FindRequest(txn, kind, request_key, fingerprint));
      if (*result != nullptr) return absl::OkStatus();  // a retry: nothing to write
    }
    PSC_ASSIGN_OR_RETURN(RecordPtr existing, LoadForWrite(txn, kind, id));
    if (existing != nullptr) {
      return Error(absl::StatusCode::kAlreadyExists, "RESOURCE_EXISTS",
                   absl::StrCat(GetName(*input), " already exists"));
    }
    PSC_RETURN_IF_ERROR(CheckReferences(txn, kind, *input));
    const StoredRecordLoader load = [&txn](absl::string_view name) {
      return LoadByName(txn, name);
    };
    RecordPtr created(input->New());
    created->CopyFrom(*input);
    PSC_RETURN_IF_ERROR(kind.DeriveStored(load, created.get()));
    PSC_RETURN_IF_ERROR(kind.CheckStored(load, *created));
    if (validate_only) {
      *result = std::move(created);
      return ValidatedOnly();  // fails the commit, so nothing of it is written
    }
    absl::Time now = absl::Now();
    Stamp(created.get(), now, txn.sequence(), /*created=*/true);
    WriteChange(txn, kind, nullptr, created.get(), actor, now);
    if (!request_key.empty()) {
      txn.Put(Family::kMeta, request_key,
              RequestValue(fingerprint, created->SerializeAsString(), absl::ToUnixMicros(now)));
    }
    *result = std::move(created);
    return absl::OkStatus();
  };
  store_->Commit(std::move(mutation), Deliver(result, std::move(done)));
}

void Registry::Update(const Caller& caller, const RecordKind& kind, RecordPtr patch,
                      google::protobuf::FieldMask mask, std::string etag, RecordCallback done) {
  if (absl::Status s = CheckOperation(caller, kind, Operation::kUpdate); !s.ok()) {
    return std::move(done)(s);
  }
  auto id = ParseName(GetName(*patch), kind.collection(), Sub(kind.singular(), "name"));
  if (!id.ok()) return std::move(done)(id.status());
  auto resolved = ResolveUpdateMask(kind, *patch, mask);
  if (!resolved.ok()) return std::move(done)(resolved.status());
  // AIP-154: the etag may come on the resource as well as on the request; given twice, the two
  // must agree.
  if (const std::string on_resource = GetEtag(*patch); !on_resource.empty()) {
    if (!etag.empty() && etag != on_resource) {
      return std::move(done)(ArgumentError(
          "etag", "ETAG_CONFLICT",
          absl::StrCat("\"", CharacterPrefix(etag, 64), "\" differs from the resource's etag \"",
                       CharacterPrefix(on_resource, 64), "\"; give one, or both the same")));
    }
    etag = on_resource;
  }

  auto input = std::shared_ptr<Message>(std::move(patch));
  auto result = std::make_shared<RecordPtr>();
  storage::Mutation mutation = [&kind, input, result, id = *id, mask = *resolved, etag,
                                caller](WriteTxn& txn) -> absl::Status {
    PSC_ASSIGN_OR_RETURN(RecordPtr current, LoadForWrite(txn, kind, id));
    if (current == nullptr || !Visibility::For(caller, kind).Admits(*current))
      return NotFound(GetName(*input));
    RecordPtr updated(current->New());
    updated->CopyFrom(*current);
    ApplyUpdateMask(*input, mask, updated.get());
    PSC_RETURN_IF_ERROR(AuthorizeUpdate(caller, kind, *current, *updated));
    PSC_RETURN_IF_ERROR(CheckEtag(*current, etag));
    std::vector<FieldViolation> violations = Violations(kind, *updated);
    if (!violations.empty()) return ValidationError(violations);
    kind.Derive(updated.get());
    PSC_RETURN_IF_ERROR(kind.CheckWrite(caller, current.get(), *updated));
    PSC_RETURN_IF_ERROR(CheckReferences(txn, kind, *updated));
    const StoredRecordLoader load = [&txn](absl::string_view name) {
      return LoadByName(txn, name);
    };
    PSC_RETURN_IF_ERROR(kind.DeriveStored(load, updated.get()));
    PSC_RETURN_IF_ERROR(kind.CheckStored(load, *updated));
    absl::Time now = absl::Now();
    Stamp(updated.get(), now, txn.sequence(), /*created=*/false);
    WriteChange(txn, kind, current.get(), updated.get(), caller, now);
    Redact(caller, kind, updated.get());
    *result = std::move(updated);
    return absl::OkStatus();
  };
  store_->Commit(std::move(mutation), Deliver(result, std::move(done)));
}

void Registry::Delete(const Caller& caller, const RecordKind& kind, std::string name,
                      std::string etag, StatusCallback done) {
  if (absl::Status s = CheckOperation(caller, kind, Operation::kDelete); !s.ok()) {
    return std::move(done)(s);
  }
  auto id = ParseName(name, kind.collection(), "name");
  if (!id.ok()) return std::move(done)(id.status());
  storage::Mutation mutation = [&kind, name, id = *id, etag,
                                caller](WriteTxn& txn) -> absl::Status {
    PSC_ASSIGN_OR_RETURN(RecordPtr current, LoadForWrite(txn, kind, id));
    if (current == nullptr || !Visibility::For(caller, kind).Admits(*current))
      return NotFound(name);
    PSC_RETURN_IF_ERROR(AuthorizeDelete(caller, kind, *current));
    PSC_RETURN_IF_ERROR(CheckEtag(*current, etag));
    return DeleteWithDependents(txn, kind, *current, caller, absl::Now());
  };
  store_->Commit(std::move(mutation),
                 [done = std::move(done)](absl::StatusOr<uint64_t> committed) mutable {
                   std::move(done)(committed.status());
                 });
}

}  // namespace psc::registry
