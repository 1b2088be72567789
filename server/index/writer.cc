#include "server/index/writer.h"

#include <filesystem>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/free_space.h"
#include "server/common/log.h"
#include "server/index/schema.h"

namespace psc::index {
namespace {

Xapian::WritableDatabase Create(const std::string& path) {
  Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
  db.set_metadata(schema::kVersionKey, std::string(schema::kVersion));
  db.commit();
  return db;
}

// Removes whatever is at `path` (a database too damaged to open or overwrite) and creates it
// anew.
Xapian::WritableDatabase Recreate(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
  return Create(path);
}

// Opens `path`, or recreates it when it is unreadable or was written with another schema.
Xapian::WritableDatabase OpenOrRecreate(const std::string& path) {
  try {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_NO_SYNC);
    const std::string version = db.get_metadata(schema::kVersionKey);
    if (version == schema::kVersion) return db;
    if (!version.empty() || db.get_doccount() > 0) {
      LogWarning(absl::StrCat("search index ", path, " has schema version \"", version, "\", not ",
                              schema::kVersion, ": rebuilding it"));
    }
    db.close();
  } catch (const Xapian::DatabaseLockError&) {
    throw;  // another process has it: recreating would not help
  } catch (const Xapian::Error& e) {
    LogWarning(absl::StrCat("search index ", path, " cannot be opened (", e.get_description(),
                            "): rebuilding it"));
    return Recreate(path);
  }
  return Create(path);
}

}  // namespace

Writer::Writer(std::string path, Xapian::WritableDatabase db)
    : path_(std::move(path)),
      db_(std::move(db)),
      facets_(FacetTable::Load(db_)),
      revision_(db_.get_revision()) {
  generator_.set_stemmer(Xapian::Stem("english"));
  generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
}

absl::StatusOr<std::unique_ptr<Writer>> Writer::Open(const std::string& path) {
  try {
    try {
      return std::unique_ptr<Writer>(new Writer(path, OpenOrRecreate(path)));
    } catch (const Xapian::DatabaseLockError&) {
      throw;
    } catch (const Xapian::Error& e) {
      // It opened, but reading its facet table or revision failed: torn by a power loss, say.
      LogWarning(absl::StrCat("search index ", path, " cannot be read (", e.get_description(),
                              "): rebuilding it"));
      return std::unique_ptr<Writer>(new Writer(path, Recreate(path)));
    }
  } catch (const Xapian::Error& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot open the search index ", path, ": ", e.get_description()));
  }
}

uint64_t Writer::last_sequence() const {
  uint64_t sequence = 0;
  try {
    if (!absl::SimpleAtoi(db_.get_metadata(schema::kSequenceKey), &sequence)) return 0;
  } catch (const Xapian::Error&) {
    return 0;  // closed after an error
  }
  return sequence;
}

uint64_t Writer::document_count() const {
  try {
    return db_.get_doccount();
  } catch (const Xapian::Error&) {
    return 0;
  }
}

Xapian::Document Writer::Build(const Document& document) {
  Xapian::Document doc;
  generator_.set_document(doc);
  for (const TextField& field : document.text) {
    const std::string prefix = schema::TextPrefix(field.field);
    if (!prefix.empty()) generator_.index_text(field.text, field.weight, prefix);
    generator_.index_text(field.text, field.weight);
    generator_.increase_termpos();  // no phrase spans two fields
  }
  doc.add_boolean_term(schema::IdTerm(document.id));
  std::set<std::string> facet_values;  // "{facet index}{value}", sorted and unique
  for (const Term& term : document.terms) {
    doc.add_boolean_term(schema::FilterTerm(term));
    for (size_t i = 0; i < std::size(kFacetFields); ++i) {
      if (term.field == kFacetFields[i]) facet_values.insert(absl::StrCat(i, term.value));
    }
  }
  if (!facet_values.empty()) doc.add_value(schema::kFacetSlot, absl::StrJoin(facet_values, "\n"));
  doc.add_value(schema::kTitleSlot, document.title);
  doc.add_value(schema::kIdSlot, document.id);
  for (const auto& [slot, value] : document.numbers) {
    doc.add_value(schema::kFirstNumberSlot + slot, Xapian::sortable_serialise(value));
  }
  doc.set_data(document.snippet_source);
  return doc;
}

absl::Status Writer::Apply(const std::vector<Change>& changes, uint64_t sequence) {
  if (const uint64_t free = FreeBytes(path_); free < kIndexMinFreeBytes) {
    return absl::UnavailableError(absl::StrCat("search index: only ", free >> 20,
                                               " MiB free on its disk; waiting for space"));
  }
  if (broken_) {
    try {
      db_ = Xapian::WritableDatabase(path_, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
      broken_ = false;
      LogInfo("search index: reopened after an error");
    } catch (const Xapian::Error& e) {
      return absl::UnavailableError(absl::StrCat("search index reopen: ", e.get_description()));
    }
  }
  try {
    std::vector<FacetTable::Update> facets;  // what the commit does to the facet table
    for (const Change& change : changes) {
      const std::string id_term = schema::IdTerm(change.id);
      if (change.document.has_value()) {
        const Xapian::Document doc = Build(*change.document);
        facets.emplace_back(db_.replace_document(id_term, doc), doc.get_value(schema::kFacetSlot));
      } else {
        for (auto it = db_.postlist_begin(id_term); it != db_.postlist_end(id_term); ++it) {
          facets.emplace_back(*it, "");
        }
        db_.delete_document(id_term);
      }
    }
    db_.set_metadata(schema::kSequenceKey, absl::StrCat(sequence));
    db_.commit();
    facets_ = facets_->With(facets);
    revision_ = db_.get_revision();
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    // Drop what was not committed; the caller applies it again from last_sequence().
    broken_ = true;
    try {
      db_.close();
    } catch (const Xapian::Error&) {
    }
    return absl::InternalError(absl::StrCat("search index write: ", e.get_description()));
  }
}

absl::Status Writer::Reset() {
  try {
    db_.close();
    try {
      db_ = Create(path_);
    } catch (const Xapian::DatabaseLockError&) {
      throw;
    } catch (const Xapian::Error&) {
      db_ = Recreate(path_);  // too damaged to overwrite (torn by a power loss)
    }
    facets_ = FacetTable::Empty();
    revision_ = db_.get_revision();
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return absl::InternalError(absl::StrCat("search index reset: ", e.get_description()));
  }
}

}  // namespace psc::index
