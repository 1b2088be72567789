#include "server/registry/records/record_writer.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/status_macros.h"
#include "server/common/utf8.h"
#include "server/registry/fields/names.h"
#include "server/registry/fields/resource_fields.h"
#include "server/registry/fields/validator.h"
#include "server/registry/kinds/kind_table.h"
#include "server/registry/records/record_layout.h"
#include "server/storage/keys.h"

namespace psc::registry {
namespace {

using google::protobuf::Message;
using storage::Family;

std::string IdOf(const RecordKind& kind, const Message& m) {
  return kind.IdOfName(GetName(m), "name").value_or("");  // names are checked before writes
}

// Every index key of `m`, including the "_all" entry, in both orders.
std::vector<std::string> IndexKeys(const RecordKind& kind, const Message& m) {
  std::vector<Term> terms = kind.IndexTerms(m);
  terms.push_back({std::string(kAllField), ""});
  std::string id = IdOf(kind, m);
  int64_t created = CreateTimeMicros(m);
  std::vector<std::string> keys;
  for (const Term& t : terms) {
    for (SortOrder order : {SortOrder::kName, SortOrder::kCreateTime}) {
      keys.push_back(IndexKey(kind.collection(), t.field, t.value, order, created, id));
    }
  }
  return keys;
}

std::vector<std::string> ReferenceKeys(const RecordKind& kind, const Message& m) {
  std::vector<std::string> keys;
  for (const Reference& r : kind.References(m)) keys.push_back(ReferenceKey(r.target, GetName(m)));
  return keys;
}

// Deletes the keys of `before` that `after` lacks and puts those `after` adds.
void ReplaceKeys(storage::WriteTxn& txn, const std::vector<std::string>& before,
                 const std::vector<std::string>& after) {
  for (const std::string& k : before) {
    if (std::find(after.begin(), after.end(), k) == after.end()) txn.Delete(Family::kIndex, k);
  }
  for (const std::string& k : after) {
    if (std::find(before.begin(), before.end(), k) == before.end()) txn.Put(Family::kIndex, k, "");
  }
}

v1::ChangeEvent MakeEvent(const RecordKind& kind, const Message* before, const Message* after,
                          const Caller& actor, absl::Time now, uint64_t sequence) {
  v1::ChangeEvent event;
  event.set_sequence(sequence);
  *event.mutable_commit_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  event.set_actor(actor.identity);
  event.set_channel(actor.channel);
  const Message& subject = after != nullptr ? *after : *before;
  event.set_resource_name(GetName(subject));
  event.set_change_type(before == nullptr  ? v1::CREATED
                        : after == nullptr ? v1::DELETED
                                           : v1::UPDATED);
  // The member of the `after` oneof that carries the kind (none for a kind outside the API).
  const auto* field = event.GetDescriptor()->FindFieldByName(kind.spec().change_field);
  if (field != nullptr) {
    Message* slot = event.GetReflection()->MutableMessage(&event, field);
    if (after != nullptr) {
      slot->CopyFrom(*after);
    } else {
      SetName(slot, GetName(*before));  // tombstone
    }
  }
  return event;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Message>> LoadForWrite(storage::WriteTxn& txn,
                                                      const RecordKind& kind,
                                                      absl::string_view id) {
  auto value = txn.Get(Family::kRecords, RecordKey(kind.collection(), id));
  if (!value.ok()) return value.status();
  if (!*value) return nullptr;
  std::unique_ptr<Message> m(kind.prototype().New());
  if (!m->ParseFromString(**value)) {
    return absl::InternalError(absl::StrCat("corrupt record ", kind.collection(), "/", id));
  }
  return m;
}

absl::StatusOr<std::unique_ptr<Message>> LoadByName(storage::WriteTxn& txn,
                                                    absl::string_view name) {
  const RecordKind* kind = KindOfName(name);
  if (kind == nullptr) return nullptr;
  absl::StatusOr<std::string> id = kind->IdOfName(name, "name");
  if (!id.ok()) return nullptr;
  return LoadForWrite(txn, *kind, *id);
}

absl::Status CheckReferences(storage::WriteTxn& txn, const RecordKind& kind,
                             const Message& resource) {
  std::vector<FieldViolation> missing;
  for (const Reference& r : kind.References(resource)) {
    std::pair<std::string, std::string> parts = absl::StrSplit(r.target, absl::MaxSplits('/', 1));
    const RecordKind* target = KindForCollection(parts.first);
    bool exists = false;
    if (target != nullptr) {
      auto value = txn.Get(Family::kRecords, RecordKey(parts.first, parts.second));
      if (!value.ok()) return value.status();
      exists = value->has_value();
    }
    if (!exists) missing.push_back({Sub(kind.singular(), r.field), r.target + " does not exist"});
  }
  if (missing.empty()) return absl::OkStatus();
  return Error(absl::StatusCode::kFailedPrecondition, "REFERENCE_NOT_FOUND",
               absl::StrCat("referenced resources do not exist: ", JoinViolations(missing)),
               missing);
}

void WriteChange(storage::WriteTxn& txn, const RecordKind& kind, const Message* before,
                 const Message* after, const Caller& actor, absl::Time now) {
  static const std::vector<std::string> kNone;
  ReplaceKeys(txn, before ? IndexKeys(kind, *before) : kNone,
              after ? IndexKeys(kind, *after) : kNone);
  ReplaceKeys(txn, before ? ReferenceKeys(kind, *before) : kNone,
              after ? ReferenceKeys(kind, *after) : kNone);
  const Message& subject = after != nullptr ? *after : *before;
  std::string key = RecordKey(kind.collection(), IdOf(kind, subject));
  if (after != nullptr) {
    txn.Put(Family::kRecords, key, after->SerializeAsString());
  } else {
    txn.Delete(Family::kRecords, key);
  }
  txn.Put(Family::kIndex, HistoryKey(GetName(subject), txn.sequence()), "");
  v1::StoredChange stored;
  *stored.mutable_event() = MakeEvent(kind, before, after, actor, now, txn.sequence());
  stored.set_actor_collaborative(actor.collaborative.empty() ? "national" : actor.collaborative);
  if (before != nullptr) {
    for (const Term& t : kind.IndexTerms(*before)) stored.add_previous_terms(t.Encoded());
  }
  txn.AddChange(stored.SerializeAsString());
}

absl::Status DeleteWithDependents(storage::WriteTxn& txn, const RecordKind& kind,
                                  const Message& current, const Caller& actor, absl::Time now) {
  const std::string name = GetName(current);
  const std::string prefix = ReferencePrefix(name);
  std::vector<std::string> dependents;
  std::string blocker;
  PSC_RETURN_IF_ERROR(
      txn.Scan(Family::kIndex, prefix, [&](absl::string_view key, absl::string_view) {
        storage::KeyReader reader(key.substr(prefix.size()));
        std::string referrer;
        reader.ReadString(&referrer);
        const RecordKind* referrer_kind = KindOfName(referrer);
        if (referrer_kind == nullptr || !referrer_kind->deleted_with_referents()) {
          blocker = std::move(referrer);
          return false;
        }
        if (dependents.empty() || dependents.back() != referrer) dependents.push_back(referrer);
        return dependents.size() <= kMaxDependents;
      }));
  if (!blocker.empty()) {
    return Error(absl::StatusCode::kFailedPrecondition, "RESOURCE_IN_USE",
                 absl::StrCat(name, " is still referenced (by ", blocker,
                              " and possibly others); change or delete those first"));
  }
  if (dependents.size() > kMaxDependents) {
    return Error(absl::StatusCode::kFailedPrecondition, "TOO_MANY_DEPENDENTS",
                 absl::StrCat(name, " has more than ", kMaxDependents,
                              " requests; ask the national team to archive them first"));
  }
  for (const std::string& dependent : dependents) {
    PSC_ASSIGN_OR_RETURN(std::unique_ptr<Message> record, LoadByName(txn, dependent));
    if (record != nullptr)
      WriteChange(txn, *KindOfName(dependent), record.get(), nullptr, actor, now);
  }
  WriteChange(txn, kind, &current, nullptr, actor, now);
  return absl::OkStatus();
}

std::vector<FieldViolation> Violations(const RecordKind& kind, const Message& resource) {
  std::vector<FieldViolation> violations;
  kind.Validate(resource, &violations);
  for (FieldViolation& v : violations) v.field = Sub(kind.singular(), v.field);
  return violations;
}

absl::Status NotFound(absl::string_view name) {
  return Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
               absl::StrCat(name, " does not exist"));
}

absl::Status CheckEtag(const Message& current, absl::string_view etag) {
  if (etag.empty() || etag == GetEtag(current)) return absl::OkStatus();
  return Error(
      absl::StatusCode::kAborted, "ETAG_MISMATCH",
      absl::StrCat(GetName(current), " has changed: etag \"", CharacterPrefix(etag, 64),
                   "\" is not the current \"", GetEtag(current), "\"; read it again and retry"));
}

void StampAndWrite(storage::WriteTxn& txn, const RecordKind& kind, const Message* before,
                   Message* after, const Caller& actor, absl::Time now) {
  Stamp(after, now, txn.sequence(), /*created=*/before == nullptr);
  WriteChange(txn, kind, before, after, actor, now);
}

namespace {
constexpr absl::string_view kValidatedOnly = "psc.registry/validated-only";
}  // namespace

absl::Status ValidatedOnly() {
  absl::Status status = absl::AbortedError("validated only: nothing written");
  status.SetPayload(kValidatedOnly, absl::Cord("1"));
  return status;
}

storage::CommitCallback Deliver(std::shared_ptr<RecordPtr> result, RecordCallback done) {
  return [result = std::move(result),
          done = std::move(done)](absl::StatusOr<uint64_t> committed) mutable {
    if (!committed.ok() && committed.status().GetPayload(kValidatedOnly).has_value()) {
      std::move(done)(std::move(*result));
    } else if (!committed.ok()) {
      std::move(done)(committed.status());
    } else {
      std::move(done)(std::move(*result));
    }
  };
}

}  // namespace psc::registry
