#include "server/index/xapian_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>

#include "absl/strings/str_cat.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/index/facet_counter.h"
#include "server/index/facet_table.h"
#include "server/index/query_text.h"
#include "server/index/schema.h"
#include "server/index/writer.h"
#include "xapian.h"

namespace psc::index {

// Open read handles, reused across searches; each is brought to the newest commit before use.
class ReaderPool {
 public:
  explicit ReaderPool(std::string path) : path_(std::move(path)) {}

  std::unique_ptr<Xapian::Database> Acquire() {
    std::unique_ptr<Xapian::Database> db;
    {
      MutexLock lock(&mu_);
      if (!free_.empty()) {
        db = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (db == nullptr) return std::make_unique<Xapian::Database>(path_);
    db->reopen();
    return db;
  }
  void Release(std::unique_ptr<Xapian::Database> db) {
    MutexLock lock(&mu_);
    free_.push_back(std::move(db));
  }

 private:
  const std::string path_;
  Mutex mu_;
  std::vector<std::unique_ptr<Xapian::Database>> free_ ABSL_GUARDED_BY(mu_);
};

namespace {

Xapian::Query AnyOf(const std::vector<Term>& terms) {
  std::vector<Xapian::Query> parts;
  for (const Term& term : terms) parts.emplace_back(schema::FilterTerm(term));
  return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

Xapian::Query AllOf(const std::vector<Term>& terms) {
  std::vector<Xapian::Query> parts;
  for (const Term& term : terms) parts.emplace_back(schema::FilterTerm(term));
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

// Common English words, left out of prose queries so that they do not count as shared content.
const Xapian::SimpleStopper& Stopwords() {
  static const auto* stopper = [] {
    static const char* const kWords[] = {
        "a",     "an",   "and",  "are", "as",   "at",   "be",   "by",    "for", "from", "has",
        "have",  "in",   "into", "is",  "it",   "its",  "of",   "on",    "or",  "that", "the",
        "their", "this", "to",   "was", "were", "will", "with", "which", "we",  "our",  "all"};
    return new Xapian::SimpleStopper(std::begin(kWords), std::end(kWords));
  }();
  return *stopper;
}

// The similarity query for `parsed` (an OR of the text's words): an OR of its rarest words while
// their postings (documents holding them) add up to at most `budget`. The rare words say whether
// two initiatives are the same work (as Lucene's MoreLikeThis leaves out words above a
// maxDocFreq), and the budget bounds the query's cost whatever the size of the registry or of
// the text. Not Xapian's OP_ELITE_SET, whose percentages still count the words it leaves out.
Xapian::Query DistinctiveTerms(const Xapian::Query& parsed, const Xapian::Database& db,
                               Xapian::doccount budget) {
  std::vector<std::pair<Xapian::doccount, std::string>> terms;
  for (auto it = parsed.get_unique_terms_begin(); it != parsed.get_unique_terms_end(); ++it) {
    const Xapian::doccount frequency = db.get_termfreq(*it);
    if (frequency > 0) terms.emplace_back(frequency, *it);  // 0: in no document
  }
  std::sort(terms.begin(), terms.end());
  std::vector<Xapian::Query> rarest;
  Xapian::doccount postings = 0;
  for (const auto& [frequency, term] : terms) {
    if (postings + frequency > budget) break;
    postings += frequency;
    rarest.emplace_back(term);
  }
  if (rarest.empty()) return Xapian::Query();  // nothing distinctive: matches nothing
  return Xapian::Query(Xapian::Query::OP_OR, rarest.begin(), rarest.end());
}

// Never Xapian::Query::MatchAll or MatchNothing: they are static objects whose reference count
// Xapian updates without atomics, so copying them from concurrent searches corrupts memory (a
// crash seen with four searches at once). A fresh query per search shares nothing.
Xapian::Query ParseText(const Query& query, const Xapian::Database& db, Xapian::QueryParser* qp) {
  if (query.text.empty()) return Xapian::Query(std::string());  // every document
  qp->set_database(db);
  qp->set_stemmer(Xapian::Stem("english"));
  qp->set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  qp->set_default_op(query.match_any_word ? Xapian::Query::OP_OR : Xapian::Query::OP_AND);
  if (query.literal) qp->set_stopper(&Stopwords());
  for (const char* field : kPrefixedTextFields) qp->add_prefix(field, schema::TextPrefix(field));
  const unsigned flags =
      query.literal ? 0u
                    : Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                          Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD;
  Xapian::Query parsed = qp->parse_query(WithoutProximityOperators(query.text), flags);
  if (query.match_any_word && query.literal) {
    parsed = DistinctiveTerms(parsed, db, query.similarity_postings);
  }
  // A query of stopwords alone parses to nothing; it matches nothing rather than everything.
  return parsed.empty() ? Xapian::Query() : parsed;  // Query(): matches nothing
}

Xapian::Query Build(const Query& query, const Xapian::Database& db, Xapian::QueryParser* qp) {
  Xapian::Query q = ParseText(query, db, qp);
  for (const std::vector<Term>& group : query.all_of) {
    q = Xapian::Query(Xapian::Query::OP_FILTER, q, AnyOf(group));
  }
  if (!query.visible_if.empty()) {
    std::vector<Xapian::Query> groups;
    for (const std::vector<Term>& group : query.visible_if) groups.push_back(AllOf(group));
    q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                      Xapian::Query(Xapian::Query::OP_OR, groups.begin(), groups.end()));
  }
  if (!query.exclude.empty()) q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, AnyOf(query.exclude));
  for (const auto& [slot, minimum] : query.at_least) {
    q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                      Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kFirstNumberSlot + slot,
                                    Xapian::sortable_serialise(minimum)));
  }
  for (const auto& [slot, factor] : query.boost) {
    auto* source = new Xapian::ValueWeightPostingSource(schema::kFirstNumberSlot + slot);
    Xapian::Query weight(source->release());
    q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q,
                      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, weight, factor));
  }
  return q;
}

// A search's Xapian query, or INVALID_QUERY. Each thread of a search parses its own: a
// Xapian::Query's reference counts are not atomic, so one may not be shared between threads.
absl::StatusOr<Xapian::Query> Parse(const Query& query, const Xapian::Database& db) {
  Xapian::QueryParser qp;
  try {
    return Build(query, db, &qp);
  } catch (const Xapian::QueryParserError& e) {
    return Error(absl::StatusCode::kInvalidArgument, "INVALID_QUERY",
                 absl::StrCat("query: ", e.get_msg()),
                 {{"query", absl::StrCat("does not parse: ", e.get_msg())}});
  }
}

// What a count found.
struct Counted {
  uint64_t total = 0;
  bool estimated = false;
};

// Counts what `q` matches, up to `limit` (and each facet value, with `counter`): a weightless
// pass that never delays the top hits.
Counted Count(const Xapian::Query& q, const Xapian::Database& db, Xapian::doccount limit,
              FacetCounter* counter) {
  if (q.get_type() == Xapian::Query::LEAF_TERM) {
    // One term (a one-word search): its matches are its posting list, read directly. Through
    // the matcher, each match would also cost a document object for the spy.
    const std::string term = *q.get_terms_begin();
    Counted counted{.total = db.get_termfreq(term)};
    if (counter != nullptr) {
      Xapian::doccount seen = 0;
      for (auto it = db.postlist_begin(term); it != db.postlist_end(term) && seen < limit;
           ++it, ++seen) {
        counter->Count(*it);
      }
      counted.estimated = counter->documents() < counted.total;
    }
    return counted;
  }
  Xapian::Enquire counting(db);
  counting.set_query(q);
  counting.set_weighting_scheme(Xapian::BoolWeight());
  if (counter != nullptr) counting.add_matchspy(counter);
  const Xapian::MSet all = counting.get_mset(0, 0, limit);
  Counted counted{.total = all.get_matches_estimated()};
  counted.estimated = all.get_matches_lower_bound() != all.get_matches_upper_bound() ||
                      (counter != nullptr && counter->documents() < counted.total);
  return counted;
}

// Whether `query` counts in a pass of its own (Count), apart from ranking.
bool CountsApart(const Query& query) {
  // A percentage cutoff needs weights, so such a query (similarity) counts while it ranks.
  return (query.exact_total || query.facets) && query.min_percent == 0;
}

// Runs `query` on `db`. A query that counts apart does so on `count_db` (another reader at the
// same revision) on a thread of its own while `db` ranks, or after ranking when `count_db` is
// null; `facets` is the facet table of their revision, or null.
absl::StatusOr<Result> Run(const Query& query, const Xapian::Database& db,
                           const Xapian::Database* count_db,
                           std::shared_ptr<const FacetTable> facets) {
  PSC_ASSIGN_OR_RETURN(Xapian::Query q, Parse(query, db));
  const bool count = query.exact_total || query.facets;
  const bool apart = CountsApart(query);
  FacetCounter counter(count_db != nullptr ? *count_db : db, std::move(facets),
                       std::size(kFacetFields));
  FacetCounter* spy = query.facets ? &counter : nullptr;
  std::future<Counted> counting;
  if (apart && count_db != nullptr) {
    counting = std::async(std::launch::async, [&query, count_db, spy] {
      // Parsed again for this thread; it parsed once already, so it cannot fail now.
      absl::StatusOr<Xapian::Query> own = Parse(query, *count_db);
      return own.ok() ? Count(*own, *count_db, query.count_limit, spy) : Counted{};
    });
  }
  Xapian::Enquire enquire(db);
  enquire.set_query(q);
  if (query.min_percent > 0) enquire.set_cutoff(query.min_percent);
  // Ties go by name, not by insertion order, so that a rebuilt index answers identically.
  enquire.set_sort_by_relevance_then_value(schema::kIdSlot, false);
  if (count && !apart && spy != nullptr) enquire.add_matchspy(spy);
  // Without counting, Xapian stops early once no other document can reach the top hits.
  Xapian::MSet mset =
      enquire.get_mset(query.offset, query.limit, count && !apart ? query.count_limit : 0);
  Result result;
  result.total = mset.get_matches_estimated();
  result.estimated = !count || mset.get_matches_lower_bound() != mset.get_matches_upper_bound();
  for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
    Xapian::Document doc = it.get_document();
    Hit hit;
    hit.id = doc.get_value(schema::kIdSlot);
    hit.title = doc.get_value(schema::kTitleSlot);
    hit.score = it.get_weight();
    hit.percent = it.get_percent();
    if (query.snippets && !query.text.empty()) {
      // Not SNIPPET_EXHAUSTIVE: the first good passage, not the best of all (a sixth of a
      // search's time at 100,000 records).
      hit.snippet =
          mset.snippet(doc.get_data(), 240, Xapian::Stem("english"),
                       Xapian::MSet::SNIPPET_BACKGROUND_MODEL, "<mark>", "</mark>", "...");
    } else if (query.snippets) {
      hit.snippet = doc.get_data().substr(0, 240);
    }
    result.hits.push_back(std::move(hit));
  }
  if (apart) {
    const Counted counted =
        counting.valid() ? counting.get() : Count(q, db, query.count_limit, spy);
    result.total = counted.total;
    result.estimated = counted.estimated;
  }
  for (size_t i = 0; query.facets && i < std::size(kFacetFields); ++i) {
    auto& out = result.facets[kFacetFields[i]];
    out = counter.Counts(i);
    if (result.estimated && counter.documents() > 0) {
      // Scaled from the matches counted to all of them.
      const double scale = static_cast<double>(result.total) / counter.documents();
      for (auto& [value, n] : out) n = static_cast<uint64_t>(n * scale + 0.5);
    }
  }
  return result;
}

}  // namespace

XapianIndex::XapianIndex(std::string path, std::unique_ptr<Writer> writer)
    : path_(std::move(path)), readers_(std::make_unique<ReaderPool>(path_)) {
  MutexLock writer_lock(&writer_mu_);
  {
    MutexLock lock(&mu_);
    applied_ = writer->last_sequence();
  }
  writer_ = std::move(writer);
  PublishFacets();
}

void XapianIndex::PublishFacets() {
  constexpr size_t kKept = 8;
  MutexLock lock(&mu_);
  if (!facets_.empty() && facets_.back().first == writer_->revision()) facets_.pop_back();
  facets_.emplace_back(writer_->revision(), writer_->facets());
  if (facets_.size() > kKept) facets_.pop_front();
}

std::shared_ptr<const FacetTable> XapianIndex::FacetsAt(uint64_t revision) const {
  MutexLock lock(&mu_);
  for (const auto& [kept, table] : facets_) {
    if (kept == revision) return table;
  }
  return nullptr;
}

// Written on a clean close and removed on open: the index commits without fsync (it is derived
// and rebuildable), so after any other stop its files may be incomplete and it is rebuilt.
constexpr const char* kCleanMarker = "/psc-closed-cleanly";

namespace {

void SyncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

XapianIndex::~XapianIndex() {
  readers_.reset();
  {
    MutexLock lock(&writer_mu_);
    writer_.reset();  // closes the database, writing what it holds
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
    SyncFile(entry.path());
  }
  std::ofstream(path_ + kCleanMarker) << "closed\n";
  SyncFile(path_ + kCleanMarker);
  SyncFile(path_);
}

absl::StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& path) {
  const bool clean = std::filesystem::remove(path + kCleanMarker);
  // The marker's removal must reach the disk before any unsynced write does: were it to come
  // back after a power loss, a torn index would pass for a clean one.
  if (clean) SyncFile(path);
  auto writer = Writer::Open(path);
  if (!writer.ok()) return writer.status();
  if (!clean && (*writer)->last_sequence() > 0) {
    LogWarning(absl::StrCat("search index ", path, " was not closed cleanly: rebuilding it"));
    PSC_RETURN_IF_ERROR((*writer)->Reset());
  }
  return std::make_unique<XapianIndex>(path, *std::move(writer));
}

absl::Status XapianIndex::Apply(const std::vector<Change>& changes, uint64_t sequence) {
  {
    MutexLock lock(&writer_mu_);
    PSC_RETURN_IF_ERROR(writer_->Apply(changes, sequence));
    PublishFacets();
  }
  MutexLock lock(&mu_);
  applied_ = sequence;
  applied_cv_.SignalAll();
  return absl::OkStatus();
}

absl::Status XapianIndex::Reset() {
  absl::Status status;
  {
    MutexLock lock(&writer_mu_);
    status = writer_->Reset();
    if (status.ok()) PublishFacets();
  }
  MutexLock lock(&mu_);
  applied_ = 0;
  return status;
}

uint64_t XapianIndex::last_sequence() const {
  MutexLock lock(&mu_);
  return applied_;
}

uint64_t XapianIndex::document_count() const {
  MutexLock lock(&writer_mu_);
  return writer_->document_count();
}

bool XapianIndex::WaitFor(uint64_t sequence, absl::Time deadline) const {
  MutexLock lock(&mu_);
  while (applied_ < sequence) {
    if (!applied_cv_.WaitWithDeadline(&mu_, deadline) && applied_ < sequence) return false;
  }
  return true;
}

absl::StatusOr<Result> XapianIndex::Search(const Query& query) const {
  const uint64_t sequence = last_sequence();
  for (int attempt = 0;; ++attempt) {
    try {
      std::unique_ptr<Xapian::Database> db = readers_->Acquire();
      // A second reader counts while the first ranks, when both opened the same revision (a
      // commit between the two opens leaves the count to the first, after ranking).
      std::unique_ptr<Xapian::Database> count_db;
      if (CountsApart(query)) {
        count_db = readers_->Acquire();
        if (count_db->get_revision() != db->get_revision()) {
          readers_->Release(std::move(count_db));
          count_db = nullptr;
        }
      }
      absl::StatusOr<Result> result = Run(query, *db, count_db.get(), FacetsAt(db->get_revision()));
      readers_->Release(std::move(db));
      if (count_db != nullptr) readers_->Release(std::move(count_db));
      if (result.ok()) result->sequence = sequence;
      return result;
    } catch (const Xapian::DatabaseError& e) {
      // A reader racing a commit can see a revision being replaced: DatabaseModifiedError, and
      // now and then DatabaseCorruptError ("Expected block N to be level L"). Both go away with
      // a fresh reader (the one that threw is dropped, not returned to the pool).
      if (attempt == 3) {
        LogError(absl::StrCat("search: ", e.get_description()));
        return RetryLater(absl::StatusCode::kUnavailable, "INDEX_BUSY",
                          "the search index is busy; retry", absl::Milliseconds(100));
      }
    } catch (const Xapian::Error& e) {
      LogError(absl::StrCat("search: ", e.get_description()));
      return Error(absl::StatusCode::kInternal, "INDEX_ERROR",
                   "the search failed; the server log has the detail");
    }
  }
}

}  // namespace psc::index
