#pragma once
// What a caller may read of a kind: nothing, every record, or the records carrying certain List
// terms. This is the only implementation of the visibility rule; Get, List, Search, the change
// feed and the workflows all ask it, so they cannot disagree.

#include <vector>

#include "google/protobuf/message.h"
#include "server/common/caller.h"
#include "server/common/term.h"
#include "server/registry/kinds/record_kind.h"

namespace psc::registry {

class Visibility {
 public:
  // The rule for `caller` on `kind`: ADMIN, LEAD, MEMBER and READER read every record; ATLAS
  // what the kind's spec allows it (KindSpec::atlas_reads); any other role nothing.
  static Visibility For(const Caller& caller, const RecordKind& kind);

  // Whether the caller may read any record of the kind at all.
  bool readable() const { return readable_; }
  // The List terms a record must carry to be visible (empty: every record is).
  const std::vector<Term>& required() const& { return required_; }
  std::vector<Term> required() && { return std::move(required_); }  // safe on a temporary

  // Whether a record with List terms `terms` is visible.
  bool Admits(const std::vector<Term>& terms) const;
  // Whether `resource`, a record of the kind, is visible.
  bool Admits(const google::protobuf::Message& resource) const;

 private:
  Visibility(const RecordKind& kind, bool readable, std::vector<Term> required)
      : kind_(&kind), readable_(readable), required_(std::move(required)) {}

  const RecordKind* kind_;
  bool readable_;
  std::vector<Term> required_;
};

}  // namespace psc::registry
