#include "tools/cli/search_commands.h"

#include <iomanip>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "tools/cli/cli_kind.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/field_text.h"
#include "tools/cli/output.h"

namespace psc::cli {
namespace {

namespace v1 = registry::v1;

// Flags that map onto repeated or singular request fields by name.
struct FieldFlag {
  const char* flag;
  const char* field;
  const char* help;
};

constexpr FieldFlag kSearchFlags[] = {
    {"--kind", "kinds", "a collection, one of"},  // the list is appended: CliCollections()
    {"--collaborative", "collaboratives", "a collaborative (owner, lead, participant or home)"},
    {"--workstream", "workstreams", "e.g. SAFETY_CULTURE, deteriorating-patient, LOCAL"},
    {"--status", "statuses", "an initiative status, e.g. active"},
    {"--publication-state", "publication_states", "a case study's: draft, published, withdrawn"},
    {"--skill", "skills", "an expert skill, e.g. human-factors"},
    {"--region", "regions", "an NHS region, e.g. \"South West\""},
};

constexpr FieldFlag kExpertFlags[] = {
    {"--skill", "skill", "a skill, e.g. human-factors"},
    {"--min-level", "min_level",
     "the least level of --skill: foundation, practitioner, "
     "advanced or expert"},
    {"--query", "query", "free text over bio, job title, organisation and skills"},
    {"--region", "region", "a region the expert covers, e.g. \"South West\""},
};

using FlagValues = std::map<std::string, std::vector<std::string>>;

void AddFieldFlags(CLI::App* cmd, const FieldFlag* flags, size_t count, bool repeatable,
                   FlagValues* values) {
  for (size_t i = 0; i < count; ++i) {
    std::string help = flags[i].help;
    if (std::string(flags[i].field) == "kinds") help += " " + CliCollections();
    if (repeatable) help += " (repeatable: any of them)";
    auto* option = cmd->add_option(flags[i].flag, (*values)[flags[i].field], help);
    if (!repeatable) option->expected(1);
  }
}

absl::Status SetFields(const FlagValues& values, google::protobuf::Message* request) {
  for (const auto& [field, texts] : values) {
    if (texts.empty()) continue;
    const std::string collection = field == "collaboratives" ? "collaboratives" : "";
    absl::Status s = SetFieldFromText(request, field, texts, collection);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// Reports a flag value that does not parse; nothing was sent.
bool UsageError(const absl::Status& s, Context& ctx) {
  if (s.ok()) return false;
  ReportError(s, ctx.err);
  ctx.exit_code = kExitUsage;
  return true;
}

// Prints a response as JSON or through `print_table`, or reports its error.
template <typename Response, typename PrintTableFn>
void PrintResponse(const absl::StatusOr<Response>& response, Context& ctx,
                   PrintTableFn print_table) {
  if (!response.ok()) {
    ctx.exit_code = ReportError(response.status(), ctx.err);
  } else if (ctx.format() == OutputFormat::kJson) {
    ctx.out << ToJsonLine(*response) << "\n";
  } else {
    print_table(*response);
  }
}

// "<mark>x</mark>" as "*x*" for a terminal.
std::string PlainSnippet(const std::string& snippet) {
  return absl::StrReplaceAll(snippet, {{"<mark>", "*"}, {"</mark>", "*"}, {"\n", " "}});
}

void PrintSearch(const v1::SearchResponse& response, std::ostream& out) {
  for (const v1::SearchHit& hit : response.hits()) {
    out << hit.name() << "  " << hit.title() << absl::StrFormat("  (score %.2f)", hit.score())
        << "\n";
    if (!hit.snippet().empty()) out << "    " << PlainSnippet(hit.snippet()) << "\n";
  }
  out << response.hits_size() << " of " << (response.counts_estimated() ? "about " : "")
      << response.total_size() << " matches"
      << (response.counts_estimated() ? " (counts estimated)" : "") << "\n";
  for (const v1::Facet& facet : response.facets()) {
    std::vector<std::string> counts;
    for (const v1::FacetCount& c : facet.counts()) {
      counts.push_back(absl::StrCat(c.value(), " ", c.count()));
    }
    out << "  " << facet.field() << ": " << absl::StrJoin(counts, ", ") << "\n";
  }
  if (!response.next_page_token().empty()) {
    out << "more: --page-token " << response.next_page_token() << "\n";
  }
}

void AddSearch(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("search", "Full-text search across every kind you may read");
  auto query = std::make_shared<std::string>();
  auto values = std::make_shared<FlagValues>();
  auto shareable = std::make_shared<std::string>();
  auto improving = std::make_shared<std::string>();
  auto page_size = std::make_shared<int>(20);
  auto page_token = std::make_shared<std::string>();
  auto min_sequence = std::make_shared<uint64_t>(0);
  cmd->add_option("query", *query,
                  "Words (all must match), \"phrases\", title:/topic:/skill: prefixes, AND, OR, "
                  "NOT; empty lists everything that passes the filters");
  AddFieldFlags(cmd, kSearchFlags, std::size(kSearchFlags), true, values.get());
  cmd->add_option("--shareable", *shareable, "Experts that can (true) or cannot (false) be shared")
      ->check(CLI::IsMember({"true", "false"}));
  cmd->add_option("--improving", *improving,
                  "Initiatives whose outcome data shows special cause improvement at a site "
                  "(true) or not (false)")
      ->check(CLI::IsMember({"true", "false"}));
  cmd->add_option("--page-size", *page_size, "Hits per page (default 20, at most 1000)");
  cmd->add_option("--page-token", *page_token, "Continue from a previous page");
  cmd->add_option("--min-sequence", *min_sequence,
                  "Wait until the index has applied this change-log sequence");
  cmd->footer(
      "Examples:\n  psc search \"sepsis dashboard\" --kind caseStudies\n"
      "  psc search 'title:huddles OR topic:\"safety culture\"' --region \"South West\"\n"
      "  psc search --kind initiatives --workstream MATERNITY_NEONATAL --output json\n"
      "  psc search --kind initiatives --improving true");
  cmd->callback([&ctx, query, values, shareable, improving, page_size, page_token, min_sequence] {
    v1::SearchRequest request;
    request.set_query(*query);
    if (UsageError(SetFields(*values, &request), ctx)) return;
    if (!shareable->empty()) request.set_shareable(*shareable == "true");
    if (!improving->empty()) request.set_improving(*improving == "true");
    request.set_page_size(*page_size);
    request.set_page_token(*page_token);
    request.set_min_sequence(*min_sequence);
    PrintResponse(ctx.Client().Search(request), ctx,
                  [&](const v1::SearchResponse& r) { PrintSearch(r, ctx.out); });
  });
}

void AddExpertsFind(CLI::App& experts, Context& ctx) {
  auto* cmd = experts.add_subcommand(
      "find", "Experts by skill, level, region and free days, best first, with reasons");
  auto values = std::make_shared<FlagValues>();
  auto shareable_only = std::make_shared<bool>(false);
  auto min_days = std::make_shared<int>(0);
  auto page_size = std::make_shared<int>(20);
  AddFieldFlags(cmd, kExpertFlags, std::size(kExpertFlags), false, values.get());
  cmd->add_flag("--shareable-only", *shareable_only, "Only experts other PSCs may ask for");
  cmd->add_option("--min-days", *min_days, "At least this many free days a month (0..31)");
  cmd->add_option("--page-size", *page_size, "Experts to show (default 20)");
  cmd->footer(
      "Examples:\n  psc experts find --skill human-factors --region \"South West\" --min-days 2\n"
      "  psc experts find --skill measurement-for-improvement --min-level advanced "
      "--shareable-only\n  psc experts find --query \"maternity simulation\"");
  cmd->callback([&ctx, values, shareable_only, min_days, page_size] {
    v1::FindExpertsRequest request;
    if (UsageError(SetFields(*values, &request), ctx)) return;
    request.set_shareable_only(*shareable_only);
    request.set_min_free_days(*min_days);
    request.set_page_size(*page_size);
    PrintResponse(ctx.Client().FindExperts(request), ctx, [&](const v1::FindExpertsResponse& r) {
      for (const v1::ExpertMatch& m : r.experts()) {
        ctx.out << m.expert().name() << "  " << m.expert().display_name() << "  ("
                << m.expert().home_collaborative() << ")"
                << absl::StrFormat("  score %.2f", m.score()) << "\n    "
                << absl::StrJoin(m.reasons(), "; ") << "\n";
      }
      ctx.out << r.experts_size() << " of " << r.total_size() << " experts\n";
    });
  });
}

void AddInitiativesSimilar(CLI::App& initiatives, Context& ctx) {
  auto* cmd = initiatives.add_subcommand("similar",
                                         "Initiatives of other PSCs that look like the same work");
  auto name = std::make_shared<std::string>();
  auto text = std::make_shared<std::string>();
  auto limit = std::make_shared<int>(10);
  cmd->add_option("name", *name, "An initiative (its lead's own initiatives are left out)");
  cmd->add_option("--text", *text, "Describe the work instead of naming an initiative");
  cmd->add_option("--limit", *limit, "How many to show (default 10, at most 100)");
  cmd->footer(
      "Examples:\n  psc initiatives similar safety-huddles-yh\n"
      "  psc initiatives similar --text \"sepsis screening in care homes\"");
  cmd->callback([&ctx, name, text, limit] {
    v1::FindSimilarInitiativesRequest request;
    if (!name->empty()) request.set_name(ExpandName("initiatives", *name));
    request.set_text(*text);
    request.set_page_size(*limit);
    PrintResponse(ctx.Client().FindSimilarInitiatives(request), ctx,
                  [&](const v1::FindSimilarInitiativesResponse& r) {
                    std::vector<const google::protobuf::Message*> rows;
                    for (const auto& s : r.initiatives()) rows.push_back(&s);
                    PrintTable({{"NAME", "name"},
                                {"TITLE", "title"},
                                {"LEAD", "lead_collaborative"},
                                {"STATUS", "status"},
                                {"SIMILARITY", "similarity"}},
                               rows, ctx.out, ctx.format());
                  });
  });
}

}  // namespace

void AddSearchCommands(CLI::App& app, Context& ctx) {
  AddSearch(app, ctx);
  AddExpertsFind(*app.get_subcommand("experts"), ctx);
  AddInitiativesSimilar(*app.get_subcommand("initiatives"), ctx);
}

void PrintSimilarHint(
    const google::protobuf::RepeatedPtrField<registry::v1::SimilarInitiative>& similar,
    std::ostream& out) {
  out << "Similar work in other PSCs (consider joining instead of duplicating):\n";
  for (const auto& s : similar) {
    out << absl::StrFormat("  %-40s %s (%s, %.0f%% similar)\n", s.name(), s.title(),
                           s.lead_collaborative(), s.similarity() * 100);
  }
}

}  // namespace psc::cli
