#include "tools/cli/admin_command.h"

#include "absl/strings/str_format.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/server_status_text.h"

namespace psc::cli {
namespace {

void PrintBackups(const std::vector<const google::protobuf::Message*>& rows, Context& ctx) {
  if (ctx.format() == OutputFormat::kJson) {
    for (const auto* row : rows) ctx.out << ToJsonLine(*row) << "\n";
    return;
  }
  PrintTable({{"NAME", "name"},
              {"SEQUENCE", "sequence"},
              {"TAKEN", "create_time"},
              {"BYTES", "size_bytes"},
              {"FILES", "file_count"}},
             rows, ctx.out, ctx.format());
}

// Adds `psc admin VERB NAME`, calling `run` with the name.
void AddNamedCommand(CLI::App& admin, Context& ctx, const std::string& verb,
                     const std::string& help,
                     std::function<absl::Status(Context&, const std::string&)> run) {
  auto* cmd = admin.add_subcommand(verb, help);
  auto name = std::make_shared<std::string>();
  cmd->add_option("name", *name, "A backup's name, e.g. backups/3")->required();
  cmd->callback([&ctx, name, run] {
    if (absl::Status s = run(ctx, *name); !s.ok()) ctx.exit_code = ReportError(s, ctx.err);
  });
}

}  // namespace

void AddAdminCommands(CLI::App& app, Context& ctx) {
  auto* admin =
      app.add_subcommand("admin",
                         "Operations for admins: the server's status, and online backups in "
                         "pscd's --backup-dir (restore is offline: pscd restore --help)");
  admin->require_subcommand(1);
  admin
      ->add_subcommand(
          "backup",
          "Take a backup now, while pscd serves (on a replica over etcd: of its mirror; back the "
          "cluster up with `etcdctl snapshot save`)")
      ->callback([&ctx] {
        auto backup = ctx.Client().CreateBackup();
        if (!backup.ok()) {
          ctx.exit_code = ReportError(backup.status(), ctx.err);
          return;
        }
        PrintBackups({&*backup}, ctx);
      });
  admin->add_subcommand("backups", "List the backups, oldest first")->callback([&ctx] {
    auto list = ctx.Client().ListBackups();
    if (!list.ok()) {
      ctx.exit_code = ReportError(list.status(), ctx.err);
      return;
    }
    std::vector<const google::protobuf::Message*> rows;
    for (const auto& backup : list->backups()) rows.push_back(&backup);
    PrintBackups(rows, ctx);
  });
  admin
      ->add_subcommand(
          "status",
          "This pscd's version, store, change-log and search-index positions and, "
          "on a replica over etcd, how stale its mirror is (--output json for scripts)")
      ->callback([&ctx] {
        auto status = ctx.Client().GetServerStatus();
        if (!status.ok()) {
          ctx.exit_code = ReportError(status.status(), ctx.err);
          return;
        }
        if (ctx.format() == OutputFormat::kJson) {
          ctx.out << ToJsonLine(*status) << "\n";
        } else {
          PrintServerStatusText(*status, absl::Now(), ctx.out);
        }
      });
  AddNamedCommand(*admin, ctx, "verify",
                  "Read every file of a backup and check its size and checksum",
                  [](Context& ctx, const std::string& name) {
                    auto backup = ctx.Client().VerifyBackup(name);
                    if (!backup.ok()) return backup.status();
                    ctx.out << absl::StrFormat("%s is intact: %d files, %d bytes, sequence %d\n",
                                               backup->name(), backup->file_count(),
                                               backup->size_bytes(), backup->sequence());
                    return absl::OkStatus();
                  });
  AddNamedCommand(*admin, ctx, "delete-backup",
                  "Delete a backup (and the files no other backup shares)",
                  [](Context& ctx, const std::string& name) {
                    absl::Status deleted = ctx.Client().DeleteBackup(name);
                    if (deleted.ok()) ctx.out << "deleted " << name << "\n";
                    return deleted;
                  });
}

void AddHealthCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "health", "Whether pscd serves (exit 0: SERVING; 1: NOT_SERVING, e.g. while it stops)");
  auto service = std::make_shared<std::string>();
  cmd->add_option("service", *service,
                  "A service by full name, e.g. psc.registry.v1.Registry (default: the server)");
  cmd->callback([&ctx, service] {
    auto serving = ctx.Client().IsServing(*service);
    if (!serving.ok()) {
      ctx.exit_code = ReportError(serving.status(), ctx.err);
      return;
    }
    ctx.out << (*serving ? "SERVING" : "NOT_SERVING") << "\n";
    if (!*serving) ctx.exit_code = 1;
  });
}

}  // namespace psc::cli
