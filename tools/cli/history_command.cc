#include "tools/cli/history_command.h"

#include "google/protobuf/util/time_util.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/field_text.h"

namespace psc::cli {

void AddHistoryCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("history", "Who changed a resource, what and when (admins only)");
  auto name = std::make_shared<std::string>();
  cmd->add_option("name", *name, "A resource name, e.g. initiatives/huddles")->required();
  cmd->callback([&ctx, name] {
    registry::v1::ListResourceHistoryRequest request;
    request.set_name(*name);
    request.set_page_size(1000);
    std::vector<registry::v1::ChangeEvent> changes;
    while (true) {
      auto page = ctx.Client().ListResourceHistory(request);
      if (!page.ok()) {
        ctx.exit_code = ReportError(page.status(), ctx.err);
        return;
      }
      changes.insert(changes.end(), page->changes().begin(), page->changes().end());
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    if (ctx.format() == OutputFormat::kJson) {
      for (const auto& c : changes) ctx.out << ToJsonLine(c) << "\n";
      return;
    }
    std::vector<const google::protobuf::Message*> rows;
    for (const auto& c : changes) rows.push_back(&c);
    PrintTable({{"SEQUENCE", "sequence"},
                {"TIME", "commit_time"},
                {"CHANGE", "change_type"},
                {"ACTOR", "actor"}},
               rows, ctx.out, ctx.format());
  });
}

}  // namespace psc::cli
