#include "tools/cli/resource_commands.h"

#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tools/cli/command_support.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/field_text.h"
#include "tools/cli/search_commands.h"

namespace psc::cli {
namespace {

using google::protobuf::Message;

// Flag values of one create or update command, kept alive as long as the app.
struct WriteFlags {
  std::map<std::string, std::vector<std::string>> values;  // by FieldFlag::flag
  std::map<std::string, CLI::Option*> options;
  std::string file;
  std::string id;
  std::string request_id;
  std::string etag;
  std::string name;
};

struct ListFlags {
  std::map<std::string, std::string> values;  // by FilterFlag::flag
  std::string filter;
  std::string order_by;
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

std::string Quote(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

void AddFieldFlags(CLI::App* cmd, const CliKind& kind, WriteFlags& flags) {
  for (const FieldFlag& f : kind.fields) {
    flags.options[f.flag] =
        cmd->add_option("--" + f.flag, flags.values[f.flag], f.help)->expected(1)->take_all();
  }
  cmd->add_option("-f,--file", flags.file,
                  "JSON file with the " + kind.singular + " (protobuf JSON mapping; - for stdin)");
}

// Builds the resource from -f FILE and the field flags; returns the top-level field paths set.
absl::StatusOr<std::vector<std::string>> BuildResource(const CliKind& kind, WriteFlags& flags,
                                                       Message* resource) {
  std::vector<std::string> paths;
  if (!flags.file.empty()) {
    auto from_file = ReadResourceFile(flags.file, resource);
    if (!from_file.ok()) return from_file.status();
    paths = *from_file;
  }
  for (const FieldFlag& f : kind.fields) {
    if (flags.options[f.flag]->count() == 0) continue;
    absl::Status s = SetFieldFromText(resource, f.path, flags.values[f.flag], f.collection);
    if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("--", f.flag, ": ", s.message()));
    paths.push_back(f.path);
  }
  return paths;
}

void AddList(CLI::App& parent, const CliKind& kind, Context& ctx) {
  auto* cmd = parent.add_subcommand("list", "List " + kind.command + ", one page or --all");
  auto flags = std::make_shared<ListFlags>();
  for (const FilterFlag& f : kind.filters) {
    cmd->add_option("--" + f.flag, flags->values[f.flag], f.help);
  }
  cmd->add_option("--filter", flags->filter,
                  "Raw filter, e.g. 'workstream = LOCAL AND topic = \"falls\"' (AND-joined terms)");
  cmd->add_option("--order-by", flags->order_by, "name or create_time, optionally with ' desc'");
  cmd->add_option("--page-size", flags->page_size, "Results per page (default 50, max 1000)");
  cmd->add_option("--page-token", flags->page_token, "Continue from a previous page");
  cmd->add_flag("--all", flags->all, "Walk every page");
  cmd->callback([&ctx, &kind, flags] {
    Run(ctx, [&]() -> absl::Status {
      std::vector<std::string> terms;
      if (!flags->filter.empty()) terms.push_back(flags->filter);
      for (const FilterFlag& f : kind.filters) {
        const std::string& v = flags->values[f.flag];
        if (!v.empty()) {
          const std::string value = FilterValueFromText(*kind.prototype, f.field, v);
          terms.push_back(absl::StrCat(f.field, " = ", Quote(ExpandName(f.collection, value))));
        }
      }
      client::ListOptions args{flags->page_size, flags->page_token, absl::StrJoin(terms, " AND "),
                               flags->order_by};
      if (flags->all && args.page_size == 0) args.page_size = 1000;
      std::vector<MessagePtr> items;
      std::string next;
      do {
        auto page = ctx.Client().ListRecords(kind.prototype->GetDescriptor(), args);
        if (!page.ok()) return page.status();
        for (auto& item : page->records) {
          if (ctx.format() == OutputFormat::kJson) ctx.out << ToJsonLine(*item) << "\n";
          items.push_back(std::move(item));
        }
        next = page->next_page_token;
        args.page_token = next;
      } while (flags->all && !next.empty());
      if (ctx.format() == OutputFormat::kTable) {
        std::vector<const Message*> rows;
        for (const auto& i : items) rows.push_back(i.get());
        PrintTable(kind.columns, rows, ctx.out, ctx.format());
      }
      if (!next.empty()) ctx.err << "more results: --page-token " << next << " (or --all)\n";
      return absl::OkStatus();
    });
  });
}

void AddGet(CLI::App& parent, const CliKind& kind, Context& ctx) {
  auto* cmd = parent.add_subcommand("get", "Show one " + kind.singular);
  auto name = std::make_shared<std::string>();
  cmd->add_option("name", *name, kind.command + "/{id}, or just the id")->required();
  cmd->callback([&ctx, &kind, name] {
    Run(ctx, [&]() -> absl::Status {
      MessagePtr got = NewRecord(kind);
      if (absl::Status s = ctx.Client().GetRecord(ExpandName(kind.command, *name), got.get());
          !s.ok())
        return s;
      PrintResource(ctx, *got);
      return absl::OkStatus();
    });
  });
}

void AddCreate(CLI::App& parent, const CliKind& kind, Context& ctx) {
  auto* cmd =
      parent.add_subcommand("create", "Create a " + kind.singular + " from flags or -f FILE");
  auto flags = std::make_shared<WriteFlags>();
  AddFieldFlags(cmd, kind, *flags);
  cmd->add_option("--id", flags->id, "The new " + kind.singular + "'s id (random when omitted)");
  cmd->add_option("--request-id", flags->request_id,
                  "Idempotency key: retrying with it creates nothing new");
  cmd->callback([&ctx, &kind, flags] {
    Run(ctx, [&]() -> absl::Status {
      MessagePtr resource = NewRecord(kind);
      auto paths = BuildResource(kind, *flags, resource.get());
      if (!paths.ok()) return paths.status();
      MessagePtr created = NewRecord(kind);
      if (absl::Status s = ctx.Client().CreateRecord(
              *resource, {.id = flags->id, .request_id = flags->request_id}, created.get());
          !s.ok())
        return s;
      PrintResource(ctx, *created);
      return absl::OkStatus();
    });
  });
}

void AddUpdate(CLI::App& parent, const CliKind& kind, Context& ctx) {
  auto* cmd = parent.add_subcommand(
      "update", "Change the given fields of a " + kind.singular + " (only those are sent)");
  auto flags = std::make_shared<WriteFlags>();
  cmd->add_option("name", flags->name, kind.command + "/{id}, or just the id")->required();
  AddFieldFlags(cmd, kind, *flags);
  cmd->add_option("--etag", flags->etag, "Fail with ABORTED unless this is the current etag");
  cmd->callback([&ctx, &kind, flags] {
    Run(ctx, [&]() -> absl::Status {
      MessagePtr patch = NewRecord(kind);
      auto paths = BuildResource(kind, *flags, patch.get());
      if (!paths.ok()) return paths.status();
      if (paths->empty())
        return absl::InvalidArgumentError("nothing to update: give field flags or -f FILE");
      patch->GetReflection()->SetString(patch.get(),
                                        patch->GetDescriptor()->FindFieldByName("name"),
                                        ExpandName(kind.command, flags->name));
      google::protobuf::FieldMask mask;
      for (const std::string& p : *paths) mask.add_paths(p);
      MessagePtr updated = NewRecord(kind);
      if (absl::Status s =
              ctx.Client().UpdateRecord(*patch, mask, {.etag = flags->etag}, updated.get());
          !s.ok())
        return s;
      PrintResource(ctx, *updated);
      return absl::OkStatus();
    });
  });
}

void AddDelete(CLI::App& parent, const CliKind& kind, Context& ctx) {
  auto* cmd = parent.add_subcommand("delete", "Delete a " + kind.singular);
  auto flags = std::make_shared<WriteFlags>();
  cmd->add_option("name", flags->name, kind.command + "/{id}, or just the id")->required();
  cmd->add_option("--etag", flags->etag, "Fail with ABORTED unless this is the current etag");
  cmd->callback([&ctx, &kind, flags] {
    Run(ctx, [&]() -> absl::Status {
      std::string name = ExpandName(kind.command, flags->name);
      absl::Status s =
          ctx.Client().DeleteRecord(kind.prototype->GetDescriptor(), name, flags->etag);
      if (s.ok()) ctx.err << "deleted " << name << "\n";
      return s;
    });
  });
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ReadResourceFile(const std::string& path,
                                                          Message* message) {
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(path);
    if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
    text << in.rdbuf();
  }
  google::protobuf::Struct top;
  auto status = google::protobuf::util::JsonStringToMessage(text.str(), &top);
  if (status.ok()) status = google::protobuf::util::JsonStringToMessage(text.str(), message);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a ",
                                                   message->GetDescriptor()->name(),
                                                   " in JSON: ", std::string(status.message())));
  }
  std::vector<std::string> paths;
  for (const auto& [key, value] : top.fields()) {
    const auto* field = message->GetDescriptor()->FindFieldByCamelcaseName(key);
    if (field == nullptr) field = message->GetDescriptor()->FindFieldByName(key);
    if (field != nullptr && field->name() != "name") paths.push_back(field->name());
  }
  return paths;
}

void AddResourceCommands(CLI::App& app, const CliKind& kind, Context& context) {
  auto* cmd = app.add_subcommand(kind.command, "Work with " + kind.command);
  if (!kind.alias.empty()) cmd->alias(kind.alias);
  cmd->require_subcommand(1);
  std::string id_example = kind.command == "caseStudies" ? "precept" : "wessex";
  std::string filter_example = kind.filters.empty() ? ""
                                                    : "  psc " + kind.command + " list --" +
                                                          kind.filters[0].flag + " VALUE\n";
  cmd->footer("Examples:\n  psc " + kind.command + " list --all --output json\n" + filter_example +
              "  psc " + kind.command + " get ID\n  psc " + kind.command + " create -f " +
              kind.singular.substr(0, kind.singular.find(' ')) + ".json\n  psc " + kind.command +
              " update ID --" + kind.fields[0].flag + " VALUE --etag ETAG\n  psc " + kind.command +
              " delete ID");
  AddList(*cmd, kind, context);
  AddGet(*cmd, kind, context);
  AddCreate(*cmd, kind, context);
  AddUpdate(*cmd, kind, context);
  AddDelete(*cmd, kind, context);
}

}  // namespace psc::cli
