#include "server/registry/access/access_policy.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "psc/registry/v1/display_name.h"
#include "server/common/errors.h"
#include "server/registry/fields/resource_fields.h"

namespace psc::registry {
namespace {

using google::protobuf::Message;

absl::Status Denied(absl::string_view reason, absl::string_view message) {
  return Error(absl::StatusCode::kPermissionDenied, reason, message);
}

// "a reader", "a lead of collaboratives/wessex": who the caller is, in words.
std::string RoleName(const Caller& caller) {
  std::string words = v1::DisplayName(caller.role);
  if (words.empty()) words = "caller without a role";
  const bool vowel = absl::StrContains("aeiou", absl::ascii_tolower(words[0]));
  std::string name = absl::StrCat(vowel ? "an " : "a ", words);
  if (!caller.collaborative.empty()) absl::StrAppend(&name, " of ", caller.collaborative);
  return name;
}

// What the caller can do instead of `verb`ing records of `kind`, for a refusal.
std::string WhatTheyCanDo(const Caller& caller, const RecordKind& kind, absl::string_view verb) {
  const bool network_writes = kind.spec().network_writable;
  switch (caller.role) {
    case v1::LEAD:
    case v1::MEMBER:
      if (verb == "delete" && network_writes) {
        return absl::StrCat(
            "members create and edit them; a lead of the owning collaborative or "
            "the national team can delete them");
      }
      return absl::StrCat("only the national team can ", verb, " them");
    case v1::ATLAS:
      return "the Atlas sync reads published case studies only";
    default:
      return absl::StrCat(
          "readers can search and read the registry; ",
          network_writes ? "a lead or member of a collaborative" : "the national team", " can ",
          verb, " them");
  }
}

bool Contains(const std::vector<std::string>& list, absl::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The top-level fields whose values differ between `a` and `b`, ignoring server-owned ones.
std::vector<std::string> ChangedFields(const Message& a, const Message& b,
                                       const std::vector<std::string>& ignore) {
  std::vector<std::string> changed;
  const auto* descriptor = a.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (Contains(ignore, field->name())) continue;
    google::protobuf::util::MessageDifferencer differ;
    std::vector<const google::protobuf::FieldDescriptor*> only = {field};
    if (!differ.CompareWithFields(a, b, only, only)) changed.push_back(field->name());
  }
  return changed;
}

bool IsLeadOf(const Caller& caller, absl::string_view collaborative) {
  return caller.role == v1::LEAD && !collaborative.empty() && caller.collaborative == collaborative;
}

absl::Status NotOwner(const Caller& caller, const RecordKind& kind, const Message& resource) {
  return Denied(
      "NOT_OWNER",
      absl::StrCat(RoleName(caller), " may not change ", GetName(resource), ", which belongs to ",
                   kind.Owner(resource).empty() ? "nobody" : kind.Owner(resource)));
}

}  // namespace

absl::Status CheckOperation(const Caller& caller, const RecordKind& kind, Operation op) {
  const bool network_writes = kind.spec().network_writable;
  bool allowed = false;
  switch (caller.role) {
    case v1::ADMIN:
      allowed = true;
      break;
    case v1::LEAD:
    case v1::MEMBER:
      allowed = op == Operation::kRead || op == Operation::kUpdate ||
                (op == Operation::kCreate && network_writes) ||
                (op == Operation::kDelete && caller.role == v1::LEAD && network_writes);
      break;
    default:
      allowed = op == Operation::kRead && Visibility::For(caller, kind).readable();
      break;
  }
  if (allowed) return absl::OkStatus();
  static constexpr const char* kVerbs[] = {"read", "create", "update", "delete",
                                           "read the history of"};
  const char* verb = kVerbs[static_cast<int>(op)];
  return Denied("ROLE_NOT_ALLOWED",
                absl::StrCat(RoleName(caller), " may not ", verb, " ", kind.collection(), ": ",
                             WhatTheyCanDo(caller, kind, verb)));
}

void Redact(const Caller& caller, const RecordKind& kind, Message* resource) {
  if (caller.role == v1::READER || caller.role == v1::ATLAS) {
    ClearFields(resource, kind.personal_fields());
  }
}

std::optional<v1::ChangeEvent> FeedEventFor(const Caller& caller, const RecordKind& kind,
                                            const v1::StoredChange& change) {
  const Visibility visibility = Visibility::For(caller, kind);
  if (!visibility.readable()) return std::nullopt;
  v1::ChangeEvent event = change.event();
  if (caller.role == v1::READER || caller.role == v1::ATLAS) {
    // People's identities are personal data: these roles learn only which PSC acted.
    event.set_actor(change.actor_collaborative().empty() ? "national"
                                                         : change.actor_collaborative());
  }
  const auto* oneof = event.GetDescriptor()->FindOneofByName("after");
  const auto* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  if (field == nullptr) return std::nullopt;
  Message* resource = event.GetReflection()->MutableMessage(&event, field);
  if (event.change_type() != v1::DELETED && visibility.Admits(*resource)) {
    Redact(caller, kind, resource);
    return event;
  }
  std::vector<Term> before;
  for (const std::string& encoded : change.previous_terms()) {
    if (auto term = Term::Decode(encoded)) before.push_back(*std::move(term));
  }
  if (event.change_type() == v1::CREATED || !visibility.Admits(before)) return std::nullopt;
  if (event.change_type() == v1::DELETED) return event;  // a tombstone: nothing to redact
  // Visible before, hidden now: for this caller the resource is gone.
  std::string name = GetName(*resource);
  resource->Clear();
  SetName(resource, name);
  event.set_change_type(v1::DELETED);
  return event;
}

absl::Status AuthorizeCreate(const Caller& caller, const RecordKind& kind, Message* resource) {
  if (caller.role == v1::ADMIN) return absl::OkStatus();
  const std::string owner_field = kind.owner_field();
  if (owner_field.empty()) {
    return Denied("ROLE_NOT_ALLOWED", absl::StrCat("only admins create ", kind.collection()));
  }
  const auto* field = resource->GetDescriptor()->FindFieldByName(owner_field);
  std::string owner = resource->GetReflection()->GetString(*resource, field);
  if (owner.empty()) {
    resource->GetReflection()->SetString(resource, field, caller.collaborative);
  } else if (owner != caller.collaborative) {
    return Denied("NOT_OWNER",
                  absl::StrCat(RoleName(caller), " may only create ", kind.collection(), " whose ",
                               owner_field, " is ", caller.collaborative));
  }
  if (caller.role == v1::MEMBER && !kind.IsDraft(*resource)) {
    return Denied("NOT_A_DRAFT",
                  absl::StrCat("members create drafts only; ask a lead of ", caller.collaborative));
  }
  return absl::OkStatus();
}

absl::Status AuthorizeUpdate(const Caller& caller, const RecordKind& kind, const Message& before,
                             const Message& after) {
  if (caller.role == v1::ADMIN) return absl::OkStatus();
  const std::string owner = kind.Owner(before);
  const bool owner_changed = kind.Owner(after) != owner;
  if (IsLeadOf(caller, owner)) {
    if (owner_changed) {
      return Denied("NOT_OWNER", absl::StrCat("only an admin may move ", GetName(before),
                                              " to another collaborative"));
    }
    return absl::OkStatus();
  }
  if (caller.role == v1::MEMBER && caller.collaborative == owner) {
    if (!kind.IsDraft(before) || !kind.IsDraft(after) || owner_changed) {
      return Denied("NOT_A_DRAFT", absl::StrCat("members edit drafts only, and keep them drafts; ",
                                                GetName(before), " needs a lead of ", owner));
    }
    return absl::OkStatus();
  }
  if (caller.role == v1::LEAD && Contains(kind.Participants(before), caller.collaborative)) {
    std::vector<std::string> ignore = OutputOnlyFields(kind.derived_fields());
    std::vector<std::string> lead_only;
    for (const std::string& f : ChangedFields(before, after, ignore)) {
      if (!Contains(kind.participant_fields(), f)) lead_only.push_back(f);
    }
    if (lead_only.empty()) return absl::OkStatus();
    return Denied("LEAD_ONLY_FIELD",
                  absl::StrCat("as a participant, ", caller.collaborative, " may not change ",
                               absl::StrJoin(lead_only, ", "), " of ", GetName(before),
                               "; only its lead ", owner, " may"));
  }
  return NotOwner(caller, kind, before);
}

absl::Status AuthorizeDelete(const Caller& caller, const RecordKind& kind, const Message& current) {
  if (caller.role == v1::ADMIN || IsLeadOf(caller, kind.Owner(current))) return absl::OkStatus();
  return NotOwner(caller, kind, current);
}

namespace {

// PERMISSION_DENIED for a workflow step only a collaborative's lead may take.
absl::Status LeadDenied(const Caller& caller, absl::string_view reason, absl::string_view who,
                        absl::string_view action) {
  return Error(absl::StatusCode::kPermissionDenied, reason,
               absl::StrCat("only a lead of ", who, " (or an admin) may ", action,
                            "; the caller is ", v1::DisplayName(caller.role),
                            caller.collaborative.empty() ? "" : " of ", caller.collaborative));
}

}  // namespace

absl::Status RequireLeadOf(const Caller& caller, absl::string_view collaborative,
                           absl::string_view action) {
  if (caller.role == v1::ADMIN) return absl::OkStatus();
  if (caller.role != v1::LEAD) return LeadDenied(caller, "ROLE_NOT_ALLOWED", collaborative, action);
  if (caller.collaborative != collaborative) {
    return LeadDenied(caller, "NOT_OWNER", collaborative, action);
  }
  return absl::OkStatus();
}

absl::Status RequireLeadOfEither(const Caller& caller, absl::string_view a, absl::string_view b,
                                 absl::string_view action) {
  if (RequireLeadOf(caller, a, action).ok()) return absl::OkStatus();
  return RequireLeadOf(caller, b, action).ok()
             ? absl::OkStatus()
             : RequireLeadOf(caller, absl::StrCat(a, " or ", b), action);
}

}  // namespace psc::registry
