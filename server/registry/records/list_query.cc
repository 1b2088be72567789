#include "server/registry/records/list_query.h"

#include <openssl/hmac.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "server/common/errors.h"
#include "server/common/utf8.h"

namespace psc::registry {
namespace {

constexpr size_t kMacBytes = 16;

absl::Status FilterError(absl::string_view message) {
  return ArgumentError("filter", "INVALID_FILTER", message);
}

bool IsWordChar(char c) {
  return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-';
}

// A cursor over the filter text.
class Lexer {
 public:
  explicit Lexer(absl::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(text_[pos_])) ++pos_;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= text_.size();
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string Word() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  absl::StatusOr<std::string> Value() {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '"') {
      std::string word = Word();
      if (word.empty()) return FilterError(absl::StrCat("expected a value at offset ", pos_));
      return word;
    }
    std::string out;
    for (++pos_; pos_ < text_.size(); ++pos_) {
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\' && pos_ + 1 < text_.size()) c = text_[++pos_];
      out.push_back(c);
    }
    return FilterError("unterminated string");
  }
  size_t pos() const { return pos_; }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
};

absl::StatusOr<std::string> NormalizeValue(const FilterField& field, std::string value) {
  if (field.enum_type != nullptr) {
    // Enum names are matched case-insensitively, with '-' for '_': human-factors.
    value = absl::AsciiStrToUpper(absl::StrReplaceAll(value, {{"-", "_"}}));
    if (field.enum_type->FindValueByName(value) == nullptr ||
        absl::EndsWith(value, "UNSPECIFIED")) {
      return FilterError(absl::StrCat("\"", value, "\" is not a value of ", field.name));
    }
  } else if (field.boolean) {
    value = absl::AsciiStrToLower(value);
    if (value != "true" && value != "false") {
      return FilterError(absl::StrCat(field.name, " takes true or false"));
    }
  } else if (field.case_insensitive) {
    value = absl::AsciiStrToLower(value);
  }
  if (value.empty()) return FilterError(absl::StrCat(field.name, " needs a non-empty value"));
  return value;
}

}  // namespace

absl::StatusOr<std::vector<Term>> ParseFilter(absl::string_view filter,
                                              const std::vector<FilterField>& fields) {
  std::vector<Term> terms;
  if (filter.size() > kMaxFilterLength) {
    return FilterError(absl::StrCat("is longer than ", kMaxFilterLength, " characters"));
  }
  Lexer lex(filter);
  if (lex.AtEnd()) return terms;
  while (true) {
    std::string name = lex.Word();
    const FilterField* field = nullptr;
    for (const FilterField& f : fields) {
      if (f.name == name) field = &f;
    }
    if (field == nullptr) {
      std::string known;
      for (const FilterField& f : fields)
        absl::StrAppend(&known, known.empty() ? "" : ", ", f.name);
      return FilterError(
          absl::StrCat(name.empty() ? "expected a field name" : "unknown field \"" + name + "\"",
                       " at offset ", lex.pos(), " (fields: ", known, ")"));
    }
    if (!lex.Consume('=')) return FilterError(absl::StrCat("expected '=' after ", name));
    auto value = lex.Value();
    if (!value.ok()) return value.status();
    auto normalized = NormalizeValue(*field, *std::move(value));
    if (!normalized.ok()) return normalized.status();
    terms.push_back({name, *std::move(normalized)});
    if (lex.AtEnd()) return terms;
    if (lex.Word() != "AND") {
      return FilterError(absl::StrCat("expected AND at offset ", lex.pos(),
                                      " (only AND-joined FIELD = VALUE terms are supported)"));
    }
  }
}

absl::StatusOr<Ordering> ParseOrderBy(absl::string_view order_by) {
  std::vector<absl::string_view> words =
      absl::StrSplit(order_by, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  Ordering ordering;
  bool ok = words.size() <= 2;
  if (ok && !words.empty()) {
    if (words[0] == "create_time") {
      ordering.order = SortOrder::kCreateTime;
    } else if (words[0] != "name") {
      ok = false;
    }
  }
  if (ok && words.size() == 2) {
    ordering.descending = words[1] == "desc";
    ok = words[1] == "desc" || words[1] == "asc";
  }
  if (!ok) {
    return ArgumentError("order_by", "INVALID_ORDER_BY",
                         absl::StrCat("\"", CharacterPrefix(order_by, 100),
                                      "\" is not one of name, create_time (each optionally with "
                                      "desc)"));
  }
  return ordering;
}

absl::StatusOr<int> EffectivePageSize(int page_size) {
  if (page_size < 0) {
    return ArgumentError("page_size", "INVALID_PAGE_SIZE", "must not be negative");
  }
  if (page_size == 0) return kDefaultPageSize;
  return std::min(page_size, kMaxPageSize);
}

std::string PageTokens::Mac(absl::string_view query, absl::string_view last_key) const {
  std::string input = absl::StrCat(query.size(), ":", query, last_key);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), kMacBytes);
}

std::string PageTokens::Encode(absl::string_view query, absl::string_view last_key) const {
  return absl::WebSafeBase64Escape(absl::StrCat(Mac(query, last_key), last_key));
}

absl::StatusOr<std::string> PageTokens::Decode(absl::string_view query,
                                               absl::string_view token) const {
  std::string raw;
  if (token.size() > 4096 || !absl::WebSafeBase64Unescape(token, &raw) || raw.size() < kMacBytes ||
      raw.substr(0, kMacBytes) != Mac(query, absl::string_view(raw).substr(kMacBytes))) {
    return ArgumentError("page_token", "INVALID_PAGE_TOKEN",
                         "not a token this server issued for this query (same filter and "
                         "order_by)");
  }
  return raw.substr(kMacBytes);
}

}  // namespace psc::registry
