#include <fstream>

#include "absl/strings/str_cat.h"
#include "psc/client/records.h"
#include "tools/cli/cli_kind.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/output.h"
#include "tools/cli/request_transfer.h"
#include "tools/cli/transfer.h"

namespace psc::cli {
namespace {

struct ExportFlags {
  std::string kind;
  std::string file;
};

absl::Status Export(Context& ctx, const ExportFlags& flags) {
  const CliKind* only = nullptr;
  if (!flags.kind.empty() && (only = FindCliKind(flags.kind)) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--kind: unknown kind ", flags.kind));
  }
  std::ofstream file;
  if (!flags.file.empty() && flags.file != "-") {
    file.open(flags.file, std::ios::trunc);
    if (!file) return absl::InvalidArgumentError(absl::StrCat("cannot write ", flags.file));
  }
  std::ostream& out = file.is_open() ? file : ctx.out;
  for (const CliKind& kind : CliKinds()) {
    if (only != nullptr && only != &kind) continue;
    client::ListOptions args{.page_size = 1000, .order_by = "create_time"};
    size_t count = 0;
    do {
      auto page = ctx.Client().ListRecords(kind.prototype->GetDescriptor(), args);
      if (!page.ok()) return page.status();
      for (const auto& item : page->records)
        out << ToJsonLine(client::ToRegistryRecord(*item)) << "\n";
      count += page->records.size();
      args.page_token = page->next_page_token;
    } while (!args.page_token.empty());
    ctx.err << "exported " << count << " " << kind.command << "\n";
  }
  if (only == nullptr) {
    // Measure data last: it belongs to the initiatives above.
    registry::v1::ListMeasurementsRequest request;
    request.set_parent("initiatives/-");
    size_t count = 0;
    do {
      auto page = ctx.Client().ListMeasurements(request);
      if (!page.ok()) return page.status();
      for (const auto& series : page->series()) {
        registry::v1::RegistryRecord record;
        *record.mutable_measure_series() = series;
        for (auto& point : *record.mutable_measure_series()->mutable_points()) {
          point.clear_chart_value();  // derived
        }
        out << ToJsonLine(record) << "\n";
      }
      count += page->series_size();
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty());
    ctx.err << "exported " << count << " measure series\n";
    if (absl::Status s = ExportRequests(ctx.Client(), out, ctx.err); !s.ok()) return s;
  }
  out.flush();
  if (!out) return absl::InternalError("write failed");
  return absl::OkStatus();
}

}  // namespace

void AddExportCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "export",
      "Write the registry, or one kind, as JSON lines (one RegistryRecord a line): every kind, "
      "measure series, and join and sharing requests with their states");
  auto flags = std::make_shared<ExportFlags>();
  cmd->add_option("--kind", flags->kind, "Only this kind: " + CliCollections());
  cmd->add_option("--out", flags->file, "Write to this file instead of standard output");
  cmd->callback([&ctx, flags] {
    absl::Status s = Export(ctx, *flags);
    if (!s.ok()) ctx.exit_code = ReportError(s, ctx.err);
  });
}

}  // namespace psc::cli
