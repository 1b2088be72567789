#pragma once
// One specification per kind of resource. Everything the registry does generically — List
// indexes, search documents, visibility for Get, List, Search and the feed, the change log,
// export, and the kind lists in errors — is derived from a kind's KindSpec (data) and its
// TypedKind hooks (rules over its message type). The table of kinds is kind_table.cc; it is
// checked once at start-up (kind_check.h). docs/architecture.md, "Adding a kind", lists the places
// to touch.

#include <algorithm>
#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/common/caller.h"
#include "server/common/errors.h"
#include "server/common/term.h"
#include "server/index/document.h"

namespace psc::registry {

// A resource name a resource refers to, and the field that holds it (for error messages).
struct Reference {
  std::string field;   // e.g. "participant_collaboratives[1]"
  std::string target;  // e.g. "collaboratives/wessex"
};

// A field List can filter on, named once: its index terms come from the message fields in
// `sources` (paths such as "skills.skill"; none: the field of the filter's own name;
// kParentSource: the parent's name, for a child kind), or, when `computed`, from the kind's
// TermsOf hook. Values of enum fields must be names of the enum; values of boolean fields
// "true" or "false"; values of case-insensitive fields are lowercased.
struct FilterField {
  std::string name;
  const google::protobuf::EnumDescriptor* enum_type = nullptr;
  bool boolean = false;
  bool case_insensitive = false;
  std::vector<std::string> sources;
  bool computed = false;
};
inline constexpr char kParentSource[] = "<parent>";

// Reads a stored record by name inside a write's transaction: the record, nullptr when there is
// none, or the storage error.
using StoredRecordLoader = std::function<absl::StatusOr<std::unique_ptr<google::protobuf::Message>>(
    absl::string_view name)>;

// Values the search indexer computes from other records, which a kind may put in its search
// documents: an expert's free days this month, net of accepted sharing requests; whether an
// initiative's measure data shows improvement (measures/site_signal.h).
struct SearchInputs {
  int free_days = 0;
  bool improving = false;
};

// Which of SearchInputs a kind's search documents carry; the indexer computes only those.
enum class SearchInput {
  kFreeDays,     // free_days, of an Expert (its accepted sharing requests)
  kImprovement,  // improving, of an Initiative (its measure series)
};

// The data half of a kind: names, fields and policy, one table entry per kind.
struct KindSpec {
  // The collection id in resource names, e.g. "caseStudies"; for a child resource such as
  // `initiatives/{i}/joinRequests/{j}`, the child collection "joinRequests".
  std::string collection;
  // The request field holding the resource, e.g. "case_study"; prefixes violation paths.
  std::string singular;
  // For a child kind, the parent's collection ("initiatives"); empty for a top-level kind.
  std::string parent;
  // The members of ChangeEvent.after and RegistryRecord.kind that carry this kind (the record
  // member is empty when exports do not carry the kind).
  std::string change_field;
  std::string record_field;

  // The fields List filters accept; the kind's IndexTerms() produce terms for exactly these.
  std::vector<FilterField> filters;
  // Output-only fields the server derives, beyond name, create_time, update_time and etag.
  std::vector<std::string> derived_fields;

  // Ownership, for authorization: the top-level field that names the owning collaborative
  // ("" when only admins create records of the kind).
  std::string owner_field;
  // Fields that leads of participating (not owning) collaboratives may change.
  std::vector<std::string> participant_fields;
  // Fields holding personal data, removed for READER and ATLAS.
  std::vector<std::string> personal_fields;
  // Whether leads and members create (and leads delete) records their collaborative owns.
  bool network_writable = true;
  // What the ATLAS role may read: nothing (nullopt), or the records carrying all these List
  // terms (e.g. publication_state = PUBLISHED). Other roles read every record of every kind.
  std::optional<std::vector<Term>> atlas_reads;

  // Whether records of the kind are documents of the search index.
  bool searchable = false;
  // Values from other records that its search documents carry (searchable kinds only).
  std::vector<SearchInput> search_inputs;
  // List fields that search documents carry under another name, e.g. {"provider",
  // "collaborative"}; every other List term is carried as it is.
  std::vector<std::pair<std::string, std::string>> search_renames;
  // A change to a record of this (child) kind re-indexes its parent (a sharing request changes
  // its expert's free days).
  bool reindex_parent = false;
  // Records of the kind never pin what they refer to: deleting a record they refer to deletes
  // them too, in the same commit (a join request goes with its initiative; a sharing request
  // with its expert or its initiative). Records of such a kind must not be referred to.
  bool deleted_with_referents = false;
};

// What the registry needs to know about one kind of resource. Stateless and thread-safe; one
// instance per kind, alive for the whole program.
class RecordKind {
 public:
  explicit RecordKind(KindSpec spec) : spec_(std::move(spec)) {}
  virtual ~RecordKind() = default;
  RecordKind(const RecordKind&) = delete;
  RecordKind& operator=(const RecordKind&) = delete;

  const KindSpec& spec() const { return spec_; }
  absl::string_view collection() const { return spec_.collection; }
  absl::string_view singular() const { return spec_.singular; }
  const std::vector<FilterField>& filter_fields() const { return spec_.filters; }
  const std::vector<std::string>& derived_fields() const { return spec_.derived_fields; }
  const std::string& owner_field() const { return spec_.owner_field; }
  const std::vector<std::string>& participant_fields() const { return spec_.participant_fields; }
  const std::vector<std::string>& personal_fields() const { return spec_.personal_fields; }
  bool deleted_with_referents() const { return spec_.deleted_with_referents; }

  // The storage id of the resource `name`: "{id}" for `collection/{id}`, "{parent}/{id}" for a
  // child. INVALID_ARGUMENT (INVALID_NAME, naming `field`) for a name of another form.
  absl::StatusOr<std::string> IdOfName(absl::string_view name, absl::string_view field) const;

  // An empty message of the kind's type.
  virtual const google::protobuf::Message& prototype() const = 0;

  // Fills defaults for unset fields of a new resource (e.g. an initiative's status).
  virtual void ApplyDefaults(google::protobuf::Message* resource) const = 0;
  // Appends a violation for every stateless rule `resource` breaks. Paths are relative to the
  // resource (e.g. "measures[0].name").
  virtual void Validate(const google::protobuf::Message& resource,
                        std::vector<FieldViolation>* violations) const = 0;
  // Recomputes derived fields; called on every write after validation.
  virtual void Derive(google::protobuf::Message* resource) const = 0;
  // Rules that depend on the previous state or the caller (lifecycle transitions), checked on
  // every write after derivation; `before` is null on create.
  virtual absl::Status CheckWrite(const Caller& caller, const google::protobuf::Message* before,
                                  const google::protobuf::Message& after) const = 0;
  // Rules that depend on other stored records (an initiative may not be adopted, through any
  // chain, from itself), checked inside the write's transaction after CheckWrite.
  virtual absl::Status CheckStored(const StoredRecordLoader& load,
                                   const google::protobuf::Message& after) const {
    return absl::OkStatus();
  }
  // Derived fields that come from other stored records (a case study's evidence figures from
  // its linked series), computed inside the write's transaction before CheckStored.
  virtual absl::Status DeriveStored(const StoredRecordLoader& load,
                                    google::protobuf::Message* resource) const {
    return absl::OkStatus();
  }
  // The List terms `resource` is indexed under, one per (field, value), without duplicates.
  virtual std::vector<Term> IndexTerms(const google::protobuf::Message& resource) const = 0;
  // The List terms of `resource` for every filter that is not computed, read from its sources.
  std::vector<Term> SourcedTerms(const google::protobuf::Message& resource) const;
  // The resource names `resource` refers to; each must exist when it is written.
  virtual std::vector<Reference> References(const google::protobuf::Message& resource) const = 0;
  // The owner: a collaborative's name, "national" for records the national team owns, or ""
  // when the owner field is unset.
  virtual std::string Owner(const google::protobuf::Message& resource) const = 0;
  // Collaboratives taking part without owning: their leads may change participant_fields.
  virtual std::vector<std::string> Participants(
      const google::protobuf::Message& resource) const = 0;
  // Whether `resource` is a draft, which members of its owner may create and edit.
  virtual bool IsDraft(const google::protobuf::Message& resource) const = 0;

  // The search document of `resource` (searchable kinds only): its List terms (renamed as the
  // spec says) and the kind, plus the text, snippet, numbers and extra terms the kind adds.
  index::Document SearchDocument(const google::protobuf::Message& resource,
                                 const SearchInputs& inputs = {}) const;
  // A List term as search documents carry it (search_renames applied).
  Term SearchTerm(const Term& list_term) const;

 protected:
  // The kind's own part of its search document: title, text, snippet, numbers, extra terms.
  virtual void AddSearchContent(const google::protobuf::Message& resource,
                                const SearchInputs& inputs, index::Document* document) const {}

 private:
  const KindSpec spec_;
};

// A message type a kind can hold: a resource with a name and the server-owned fields.
template <typename T>
concept RecordMessage = std::derived_from<T, google::protobuf::Message> && requires(T t) {
  { t.name() } -> std::convertible_to<std::string>;
  { t.etag() } -> std::convertible_to<std::string>;
  { t.create_time() } -> std::convertible_to<google::protobuf::Timestamp>;
  { t.update_time() } -> std::convertible_to<google::protobuf::Timestamp>;
};

// Adapts RecordKind to one message type: each kind implements the hooks below on T.
template <RecordMessage T>
class TypedKind : public RecordKind {
 public:
  using RecordKind::RecordKind;

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
  absl::Status CheckWrite(const Caller& caller, const google::protobuf::Message* before,
                          const google::protobuf::Message& after) const final {
    return CheckTransition(caller, static_cast<const T*>(before), static_cast<const T&>(after));
  }
  std::vector<Term> IndexTerms(const google::protobuf::Message& resource) const final {
    std::vector<Term> terms = SourcedTerms(resource);
    for (Term& t : TermsOf(static_cast<const T&>(resource))) {
      if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(std::move(t));
    }
    return terms;
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
  void AddSearchContent(const google::protobuf::Message& resource, const SearchInputs& inputs,
                        index::Document* document) const final {
    DescribeForSearch(static_cast<const T&>(resource), inputs, document);
  }

  virtual void ApplyDefaultsTo(T* resource) const {}
  virtual void ValidateResource(const T& resource, std::vector<FieldViolation>* out) const = 0;
  virtual void DeriveFields(T* resource) const {}
  virtual absl::Status CheckTransition(const Caller& caller, const T* before,
                                       const T& after) const {
    return absl::OkStatus();
  }
  // The terms of the spec's computed filters (the others come from their sources).
  virtual std::vector<Term> TermsOf(const T& resource) const { return {}; }
  virtual std::vector<Reference> ReferencesOf(const T& resource) const = 0;
  virtual std::string OwnerOf(const T& resource) const = 0;
  virtual std::vector<std::string> ParticipantsOf(const T& resource) const { return {}; }
  virtual bool IsDraftResource(const T& resource) const { return false; }
  // Searchable kinds: the title, text and snippet; the List terms are added for them.
  virtual void DescribeForSearch(const T& resource, const SearchInputs& inputs,
                                 index::Document* document) const {}
};

// The five kinds, the two workflow kinds (children of initiatives and experts) and the measure
// series kind (children of initiatives).
// References stay valid for the life of the program.
const RecordKind& CollaborativeKind();
const RecordKind& InitiativeKind();
const RecordKind& CaseStudyKind();
const RecordKind& ExpertKind();
const RecordKind& SharedResourceKind();  // the `resources` collection
const RecordKind& JoinRequestKind();     // initiatives/{i}/joinRequests/{j}
const RecordKind& SharingRequestKind();  // experts/{e}/requests/{r}
const RecordKind& MeasureSeriesKind();   // initiatives/{i}/series/{measure}--{site}

}  // namespace psc::registry
