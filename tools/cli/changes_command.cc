#include "tools/cli/changes_command.h"

#include "tools/cli/cli_kind.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/field_text.h"

namespace psc::cli {
namespace {

namespace v1 = registry::v1;

struct ChangesFlags {
  uint64_t after = 0;
  std::vector<std::string> kinds;
  int page_size = 0;
  bool all = false;
  bool progress = false;
};

// One line per event: a table row, or the event as JSON.
void PrintEvent(Context& ctx, const v1::ChangeEvent& event) {
  if (ctx.format() == OutputFormat::kJson) {
    ctx.out << ToJsonLine(event) << "\n";
  } else {
    ctx.out << event.sequence() << "  " << FieldText(event, "commit_time") << "  "
            << v1::ChangeType_Name(event.change_type()) << "  " << event.resource_name() << "  "
            << event.actor() << "\n";
  }
  ctx.out.flush();
}

void AddCommonFlags(CLI::App* cmd, ChangesFlags& flags) {
  cmd->add_option("--after", flags.after, "Only changes after this sequence (0: from the start)")
      ->capture_default_str();
  cmd->add_option("--kind", flags.kinds,
                  "Only this collection (repeatable): " + CliCollections() +
                      ", or the workflow collections joinRequests and requests");
}

}  // namespace

void AddChangesCommands(CLI::App& app, Context& ctx) {
  auto* changes =
      app.add_subcommand("changes", "The change feed: every committed change, in order");
  changes->require_subcommand(1);
  auto flags = std::make_shared<ChangesFlags>();

  auto* list = changes->add_subcommand("list", "Print changes after a sequence (a page, or --all)");
  AddCommonFlags(list, *flags);
  list->add_option("--page-size", flags->page_size, "Changes per page (default 50, max 1000)");
  list->add_flag("--all", flags->all, "Every retained change up to now");
  list->callback([&ctx, flags] {
    v1::ListChangesRequest request;
    request.set_after_sequence(flags->after);
    for (const auto& k : flags->kinds) request.add_kinds(k);
    request.set_page_size(flags->page_size);
    while (true) {
      auto page = ctx.Client().ListChanges(request);
      if (!page.ok()) {
        ctx.exit_code = ReportError(page.status(), ctx.err);
        return;
      }
      for (const auto& event : page->changes()) PrintEvent(ctx, event);
      bool more = page->next_after_sequence() < page->current_sequence();
      if (!more) return;
      if (!flags->all) {
        ctx.err << "more changes: --after " << page->next_after_sequence() << " (or --all)\n";
        return;
      }
      request.set_after_sequence(page->next_after_sequence());
    }
  });

  auto* watch = changes->add_subcommand(
      "watch", "Print changes after a sequence, then live ones as they commit (Ctrl-C to stop)");
  AddCommonFlags(watch, *flags);
  watch->add_flag("--progress", flags->progress, "Also print progress messages to stderr");
  watch->callback([&ctx, flags] {
    client::RegistryClient::WatchHandlers handlers;
    handlers.on_change = [&ctx](const v1::ChangeEvent& event) {
      PrintEvent(ctx, event);
      return true;
    };
    handlers.on_progress = [&ctx, flags](uint64_t sequence) {
      if (flags->progress) ctx.err << "progress: every change up to " << sequence << " seen\n";
      return true;
    };
    absl::Status s = ctx.Client().WatchChanges(flags->after, flags->kinds, handlers);
    if (!s.ok()) ctx.exit_code = ReportError(s, ctx.err);
  });
}

}  // namespace psc::cli
