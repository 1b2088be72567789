#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "server/common/errors.h"
#include "server/common/caller.h"

namespace psc::registry {

// One value under which a resource is indexed for List filters, e.g. {"workstream", "LOCAL"}.
struct IndexTerm {
  std::string field;
  std::string value;
  bool operator==(const IndexTerm&) const = default;
};

// A resource name a resource refers to, and the field that holds it (for error messages).
struct Reference {
  std::string field;   // e.g. "participant_collaboratives[1]"
  std::string target;  // e.g. "collaboratives/wessex"
};

// A field List can filter on. Values of enum fields must be names of the enum; values of
// boolean fields "true" or "false"; values of case-insensitive fields are lowercased.
struct FilterField {
  std::string name;
  const google::protobuf::EnumDescriptor* enum_type = nullptr;
  bool boolean = false;
  bool case_insensitive = false;
};

// What the registry needs to know about one kind of resource: its rules, indexes and
// references. One implementation per kind; all are stateless and thread-safe.
class ResourceKind {
 public:
  virtual ~ResourceKind() = default;

  // The collection id in resource names, e.g. "caseStudies" (for a child resource such as
  // `initiatives/{i}/joinRequests/{j}`, the child collection "joinRequests").
  virtual absl::string_view collection() const = 0;
  // The storage id of the resource `name`: "{id}" for `collection/{id}`, "{parent}/{id}" for a
  // child. INVALID_ARGUMENT (INVALID_NAME, naming `field`) for a name of another form.
  virtual absl::StatusOr<std::string> IdOfName(absl::string_view name,
                                               absl::string_view field) const;
  // The request field holding the resource, e.g. "case_study"; prefixes violation paths.
  virtual absl::string_view singular() const = 0;
  // An empty message of the kind's type.
  virtual const google::protobuf::Message& prototype() const = 0;
  // The fields List filters accept.
  virtual const std::vector<FilterField>& filter_fields() const = 0;
  // Output-only fields the server derives, beyond name, create_time, update_time and etag.
  virtual std::vector<std::string> derived_fields() const { return {}; }

  // Fills defaults for unset fields of a new resource (e.g. an initiative's status).
  virtual void ApplyDefaults(google::protobuf::Message* resource) const {}
  // Appends a violation for every stateless rule `resource` breaks. Paths are relative to the
  // resource (e.g. "measures[0].name").
  virtual void Validate(const google::protobuf::Message& resource,
                        std::vector<FieldViolation>* violations) const = 0;
  // Recomputes derived fields; called on every write after validation.
  virtual void Derive(google::protobuf::Message* resource) const {}
  // Rules that depend on the previous state or the caller (lifecycle transitions), checked on
  // every write after derivation; `before` is null on create.
  virtual absl::Status CheckWrite(const Caller& caller, const google::protobuf::Message* before,
                                  const google::protobuf::Message& after) const {
    return absl::OkStatus();
  }
  // The values `resource` is indexed under, one per (field, value), without duplicates.
  virtual std::vector<IndexTerm> IndexTerms(const google::protobuf::Message& resource) const = 0;
  // The resource names `resource` refers to; each must exist when it is written.
  virtual std::vector<Reference> References(const google::protobuf::Message& resource) const = 0;

  // Ownership, for authorization. The owner is a collaborative's name ("collaboratives/x"),
  // "national" for records the national team owns, or "" when the owner field is unset.
  virtual std::string Owner(const google::protobuf::Message& resource) const = 0;
  // The top-level field that names the owner ("" when ownership cannot be assigned).
  virtual std::string owner_field() const = 0;
  // Collaboratives taking part without owning: their leads may change participant_fields().
  virtual std::vector<std::string> Participants(const google::protobuf::Message& resource) const {
    return {};
  }
  virtual std::vector<std::string> participant_fields() const { return {}; }
  // Whether `resource` is a draft, which members of its owner may create and edit.
  virtual bool IsDraft(const google::protobuf::Message& resource) const { return false; }
  // Fields holding personal data, removed for roles that may not see it.
  virtual std::vector<std::string> personal_fields() const { return {}; }
};

// Adapts ResourceKind to one message type.
template <typename T>
class TypedKind : public ResourceKind {
 public:
  const google::protobuf::Message& prototype() const final { return T::default_instance(); }
  void ApplyDefaults(google::protobuf::Message* resource) const final {
    ApplyDefaultsTo(static_cast<T*>(resource));
  }
  void Validate(const google::protobuf::Message& resource,
                std::vector<FieldViolation>* violations) const final {
    ValidateResource(static_cast<const T&>(resource), violations);
  }
  void Derive(google::protobuf::Message* resource) const final {
    DeriveFields(static_cast<T*>(resource));
  }
  std::vector<IndexTerm> IndexTerms(const google::protobuf::Message& resource) const final {
    return TermsOf(static_cast<const T&>(resource));
  }
  std::vector<Reference> References(const google::protobuf::Message& resource) const final {
    return ReferencesOf(static_cast<const T&>(resource));
  }
  std::string Owner(const google::protobuf::Message& resource) const final {
    return OwnerOf(static_cast<const T&>(resource));
  }
  std::vector<std::string> Participants(const google::protobuf::Message& resource) const final {
    return ParticipantsOf(static_cast<const T&>(resource));
  }
  bool IsDraft(const google::protobuf::Message& resource) const final {
    return IsDraftResource(static_cast<const T&>(resource));
  }

 protected:
  virtual void ApplyDefaultsTo(T* resource) const {}
  virtual void ValidateResource(const T& resource, std::vector<FieldViolation>* out) const = 0;
  virtual void DeriveFields(T* resource) const {}
  virtual std::vector<IndexTerm> TermsOf(const T& resource) const = 0;
  virtual std::vector<Reference> ReferencesOf(const T& resource) const = 0;
  virtual std::string OwnerOf(const T& resource) const = 0;
  virtual std::vector<std::string> ParticipantsOf(const T& resource) const { return {}; }
  virtual bool IsDraftResource(const T& resource) const { return false; }
};

// The five kinds, and the two workflow kinds (children of initiatives and experts).
// References stay valid for the life of the program.
const ResourceKind& CollaborativeKind();
const ResourceKind& InitiativeKind();
const ResourceKind& CaseStudyKind();
const ResourceKind& ExpertKind();
const ResourceKind& SharedResourceKind();  // the `resources` collection
const ResourceKind& JoinRequestKind();     // initiatives/{i}/joinRequests/{j}
const ResourceKind& SharingRequestKind();  // experts/{e}/requests/{r}

// The kind whose collection is `collection` (any of the seven), or nullptr.
const ResourceKind* KindForCollection(absl::string_view collection);
// The kind of a resource name (`c/{id}` or `p/{id}/c/{id}`), or nullptr.
const ResourceKind* KindOfName(absl::string_view name);
// The five top-level kinds, in a fixed order.
const std::vector<const ResourceKind*>& AllKinds();
// The two workflow kinds.
const std::vector<const ResourceKind*>& WorkflowKinds();

}  // namespace psc::registry
