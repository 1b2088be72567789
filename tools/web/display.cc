#include "tools/web/display.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "httplib.h"

namespace psc::web {

std::string Words(absl::string_view upper_snake) {
  std::string words = absl::AsciiStrToLower(upper_snake);
  for (char& c : words) {
    if (c == '_') c = ' ';
  }
  if (!words.empty()) words[0] = absl::ascii_toupper(words[0]);
  return words;
}

std::string ValueLabel(absl::string_view name) {
  // Enum values are scoped to their package, so a name finds at most one.
  const auto* value = google::protobuf::DescriptorPool::generated_pool()->FindEnumValueByName(
      absl::StrCat("psc.registry.v1.", name));
  return value == nullptr ? Words(name) : registry::v1::DisplayLabel(value);
}

std::string Count(int n, absl::string_view noun) {
  return absl::StrCat(n, " ", noun, n == 1 ? "" : "s");
}

std::string MonthLabel(int year, int month) {
  static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
  if (month < 1 || month > 12) return absl::StrCat(year);
  return absl::StrCat(kMonths[month - 1], " ", year);
}

std::string FieldLabel(absl::string_view snake) { return Words(snake); }

std::string IdOf(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

std::string CollaborativeLabel(absl::string_view name) {
  if (name.empty()) return "";
  std::vector<std::string> words = absl::StrSplit(IdOf(name), '-');
  for (size_t i = 0; i < words.size(); ++i) {
    std::string& word = words[i];
    if (i > 0 && (word == "of" || word == "and")) continue;
    if (word.size() <= 3 && i == 0 && words.size() == 1) {
      word = absl::AsciiStrToUpper(word);  // "kss" -> "KSS"
    } else if (!word.empty()) {
      word[0] = absl::ascii_toupper(word[0]);
    }
  }
  return absl::StrJoin(words, " ");
}

}  // namespace psc::web

namespace psc::web {
namespace {

// Xapian escapes &, < and > (and " in some versions) in snippet text.
std::string Unescape(absl::string_view html) {
  return absl::StrReplaceAll(
      html, {{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}});
}

}  // namespace

List SnippetSegments(absl::string_view snippet) {
  List segments;
  bool mark = false;
  while (!snippet.empty()) {
    const absl::string_view tag = mark ? "</mark>" : "<mark>";
    const size_t at = snippet.find(tag);
    const absl::string_view text = snippet.substr(0, at);
    if (!text.empty()) {
      Data segment;
      segment.set("text", Unescape(text));
      segment.set("mark", mark);
      segments.push_back(segment);
    }
    if (at == absl::string_view::npos) break;
    snippet.remove_prefix(at + tag.size());
    mark = !mark;
  }
  return segments;
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string query;
  for (const auto& [name, value] : params) {
    absl::StrAppend(&query, query.empty() ? "" : "&", name, "=",
                    httplib::detail::encode_query_param(value));
  }
  return query;
}

std::string KindLabel(absl::string_view kind) {
  if (kind == "caseStudies") return "Case studies";
  return Words(kind);
}

std::string PagePath(absl::string_view resource_name) {
  for (absl::string_view kind : {"experts/", "initiatives/", "caseStudies/"}) {
    if (absl::StartsWith(resource_name, kind)) return absl::StrCat("/", resource_name);
  }
  return "";
}

}  // namespace psc::web

namespace psc::web {

std::string ParentOf(absl::string_view name) {
  const size_t first = name.find('/');
  if (first == absl::string_view::npos) return std::string(name);
  return std::string(name.substr(0, name.find('/', first + 1)));
}

}  // namespace psc::web
