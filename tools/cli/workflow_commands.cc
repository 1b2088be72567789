#include "tools/cli/workflow_commands.h"

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/cli/command_support.h"
#include "tools/cli/field_text.h"
#include "tools/cli/output.h"
#include "tools/cli/report_command.h"

namespace psc::cli {
namespace {

namespace v1 = registry::v1;

struct DecideFlags {
  std::string name, reason, etag;
};

// Prints a written resource, or returns the call's error.
template <typename T>
absl::Status Show(Context& ctx, const absl::StatusOr<T>& written) {
  if (written.ok()) PrintResource(ctx, *written);
  return written.status();
}

// Adds `verb NAME [--reason] [--etag]` under `parent`, calling `decide` with the request.
template <typename Decide>
void AddDecision(CLI::App& parent, Context& ctx, const std::string& verb, const std::string& help,
                 const std::string& name_help, bool reason_required, Decide decide) {
  auto* cmd = parent.add_subcommand(verb, help);
  auto flags = std::make_shared<DecideFlags>();
  cmd->add_option("name", flags->name, name_help)->required();
  auto* reason = cmd->add_option("--reason", flags->reason,
                                 reason_required ? "Why (required)" : "Why (optional)");
  if (reason_required) reason->required();
  cmd->add_option("--etag", flags->etag, "Fail with ABORTED unless this is the current etag");
  cmd->callback([&ctx, flags, decide] {
    Run(ctx, [&]() -> absl::Status {
      v1::DecideRequest request;
      request.set_name(flags->name);
      request.set_reason(flags->reason);
      request.set_etag(flags->etag);
      return decide(ctx, request);
    });
  });
}

absl::Status ParseMonth(const std::string& text, v1::YearMonth* month) {
  std::vector<std::string> parts = absl::StrSplit(text, '-');
  int y = 0, m = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m)) {
    return absl::InvalidArgumentError(absl::StrCat("--start \"", text, "\": want YYYY-MM"));
  }
  month->set_year(y);
  month->set_month(m);
  return absl::OkStatus();
}

void AddInitiativeCommands(CLI::App& initiatives, Context& ctx) {
  auto* join = initiatives.add_subcommand("join", "Ask for your collaborative to join");
  auto name = std::make_shared<std::string>();
  auto ask = std::make_shared<v1::JoinRequest>();
  auto as = std::make_shared<std::string>();
  join->add_option("name", *name, "The initiative, e.g. safety-huddles-yh")->required();
  join->add_option("--message", *ask->mutable_message(), "What you bring and why");
  join->add_option("--role", *ask->mutable_proposed_role(), "The part you propose to play");
  join->add_option("--as", *as, "Admins: the collaborative asking");
  join->callback([&ctx, name, ask, as] {
    Run(ctx, [&]() -> absl::Status {
      v1::JoinRequest request = *ask;
      if (!as->empty()) request.set_requesting_collaborative(ExpandName("collaboratives", *as));
      return Show(ctx, ctx.Client().CreateJoinRequest(ExpandName("initiatives", *name), request));
    });
  });

  auto* leave = initiatives.add_subcommand("leave", "Take your collaborative out of one");
  auto leave_request = std::make_shared<v1::LeaveInitiativeRequest>();
  leave->add_option("name", *leave_request->mutable_name(), "The initiative")->required();
  leave->add_option("--collaborative", *leave_request->mutable_collaborative(),
                    "Admins: the participant leaving");
  leave->callback([&ctx, leave_request] {
    Run(ctx, [&]() -> absl::Status {
      v1::LeaveInitiativeRequest request = *leave_request;
      request.set_name(ExpandName("initiatives", request.name()));
      if (!request.collaborative().empty()) {
        request.set_collaborative(ExpandName("collaboratives", request.collaborative()));
      }
      return Show(ctx, ctx.Client().LeaveInitiative(request));
    });
  });

  auto* review = initiatives.add_subcommand(
      "review", "Record a review decision: continue, stop (stops it) or scale-up");
  auto review_name = std::make_shared<std::string>();
  auto outcome = std::make_shared<std::string>();
  auto rationale = std::make_shared<std::string>();
  review->add_option("name", *review_name, "The initiative")->required();
  review->add_option("--outcome", *outcome, "continue, stop or scale-up")
      ->required()
      ->check(CLI::IsMember({"continue", "stop", "scale-up"}));
  review->add_option("--rationale", *rationale, "Why (required to stop)");
  review->callback([&ctx, review_name, outcome, rationale] {
    Run(ctx, [&]() -> absl::Status {
      v1::ReviewInitiativeRequest request;
      request.set_name(ExpandName("initiatives", *review_name));
      request.set_outcome(*outcome == "continue" ? v1::CONTINUE
                          : *outcome == "stop"   ? v1::STOP
                                                 : v1::SCALE_UP);
      request.set_rationale(*rationale);
      return Show(ctx, ctx.Client().ReviewInitiative(request));
    });
  });
}

bool IsSharingRequest(const std::string& name) { return name.rfind("experts/", 0) == 0; }

void AddRequestCommands(CLI::App& app, Context& ctx) {
  auto* requests = app.add_subcommand("requests", "Join and expert sharing requests");
  requests->require_subcommand(1);
  auto* list = requests->add_subcommand(
      "list", "Requests of an initiative or expert, or a collaborative's incoming or outgoing");
  auto parent = std::make_shared<std::string>();
  auto incoming = std::make_shared<bool>(false);
  auto outgoing = std::make_shared<bool>(false);
  list->add_option("parent", *parent,
                   "initiatives/{id}, experts/{id} or collaboratives/{id} (with --incoming or "
                   "--outgoing)")
      ->required();
  auto* in = list->add_flag("--incoming", *incoming, "Requests the collaborative decides");
  list->add_flag("--outgoing", *outgoing, "Requests the collaborative made")->excludes(in);
  list->callback([&ctx, parent, incoming, outgoing] {
    Run(ctx, [&]() -> absl::Status {
      const v1::Direction direction = *incoming   ? v1::INCOMING
                                      : *outgoing ? v1::OUTGOING
                                                  : v1::DIRECTION_UNSPECIFIED;
      const bool collaborative = parent->rfind("collaboratives/", 0) == 0;
      std::vector<const google::protobuf::Message*> joins, shares;
      v1::ListJoinRequestsResponse join_page;
      v1::ListSharingRequestsResponse share_page;
      if (collaborative || parent->rfind("initiatives/", 0) == 0) {
        v1::ListJoinRequestsRequest request;
        request.set_parent(*parent);
        request.set_direction(direction);
        request.set_page_size(1000);
        auto page = ctx.Client().ListJoinRequests(request);
        if (!page.ok()) return page.status();
        join_page = *std::move(page);
        for (const auto& r : join_page.join_requests()) joins.push_back(&r);
      }
      if (collaborative || parent->rfind("experts/", 0) == 0) {
        v1::ListSharingRequestsRequest request;
        request.set_parent(*parent);
        request.set_direction(direction);
        request.set_page_size(1000);
        auto page = ctx.Client().ListSharingRequests(request);
        if (!page.ok()) return page.status();
        share_page = *std::move(page);
        for (const auto& r : share_page.sharing_requests()) shares.push_back(&r);
      }
      if (joins.empty() && shares.empty() && !collaborative &&
          parent->rfind("initiatives/", 0) != 0 && parent->rfind("experts/", 0) != 0) {
        return absl::InvalidArgumentError(absl::StrCat("\"", *parent,
                                                       "\": want initiatives/{id}, experts/{id} or "
                                                       "collaboratives/{id}"));
      }
      if (ctx.format() == OutputFormat::kJson) {
        for (const auto* r : joins) ctx.out << ToJsonLine(*r) << "\n";
        for (const auto* r : shares) ctx.out << ToJsonLine(*r) << "\n";
        return absl::OkStatus();
      }
      if (!joins.empty()) {
        PrintTable({{"JOIN REQUEST", "name"},
                    {"FROM", "requesting_collaborative"},
                    {"STATE", "state"},
                    {"ROLE", "proposed_role"},
                    {"REASON", "decision_reason"}},
                   joins, ctx.out, ctx.format());
      }
      if (!shares.empty()) {
        PrintTable({{"SHARING REQUEST", "name"},
                    {"FROM", "requesting_collaborative"},
                    {"INITIATIVE", "initiative"},
                    {"DAYS/MONTH", "days_per_month"},
                    {"START", "start_month"},
                    {"MONTHS", "months"},
                    {"STATE", "state"},
                    {"DELIVERED", "days_delivered"}},
                   shares, ctx.out, ctx.format());
      }
      if (joins.empty() && shares.empty()) ctx.err << "no requests\n";
      return absl::OkStatus();
    });
  });
  const std::string join_name = "initiatives/{id}/joinRequests/{id}";
  AddDecision(*requests, ctx, "approve", "Approve a join request (the initiative's lead)",
              join_name, false, [](Context& ctx, const v1::DecideRequest& r) {
                return Show(ctx, ctx.Client().ApproveJoinRequest(r));
              });
  // decline works for both kinds: the name says which.
  AddDecision(*requests, ctx, "decline", "Decline a join or sharing request",
              join_name + " or experts/{id}/requests/{id}", true,
              [](Context& ctx, const v1::DecideRequest& r) {
                return IsSharingRequest(r.name()) ? Show(ctx, ctx.Client().DeclineSharingRequest(r))
                                                  : Show(ctx, ctx.Client().DeclineJoinRequest(r));
              });
  AddDecision(*requests, ctx, "withdraw", "Withdraw your pending join request", join_name, false,
              [](Context& ctx, const v1::DecideRequest& r) {
                return Show(ctx, ctx.Client().WithdrawJoinRequest(r));
              });
}

void AddExpertCommands(CLI::App& experts, Context& ctx) {
  auto* request = experts.add_subcommand("request", "Ask for days of an expert's time");
  auto name = std::make_shared<std::string>();
  auto ask = std::make_shared<v1::SharingRequest>();
  auto start = std::make_shared<std::string>();
  auto as = std::make_shared<std::string>();
  auto initiative = std::make_shared<std::string>();
  auto days = std::make_shared<int>(0);
  auto months = std::make_shared<int>(1);
  request->add_option("name", *name, "The expert")->required();
  request->add_option("--initiative", *initiative, "The initiative the days are for")->required();
  request->add_option("--days", *days, "Days a month (1..31)")->required();
  request->add_option("--start", *start, "First month, YYYY-MM")->required();
  request->add_option("--months", *months, "How many months (1..12, default 1)");
  request->add_option("--message", *ask->mutable_message(), "What the time is for");
  request->add_option("--as", *as, "Admins: the collaborative asking");
  request->callback([&ctx, name, ask, start, as, initiative, days, months] {
    Run(ctx, [&]() -> absl::Status {
      v1::SharingRequest r = *ask;
      if (absl::Status s = ParseMonth(*start, r.mutable_start_month()); !s.ok()) return s;
      r.set_initiative(ExpandName("initiatives", *initiative));
      r.set_days_per_month(*days);
      r.set_months(*months);
      if (!as->empty()) r.set_requesting_collaborative(ExpandName("collaboratives", *as));
      return Show(ctx, ctx.Client().CreateSharingRequest(ExpandName("experts", *name), r));
    });
  });
  const std::string request_name = "experts/{id}/requests/{id}";
  AddDecision(experts, ctx, "accept", "Accept a sharing request (the expert's home)", request_name,
              false, [](Context& ctx, const v1::DecideRequest& r) {
                return Show(ctx, ctx.Client().AcceptSharingRequest(r));
              });
  AddDecision(experts, ctx, "decline", "Decline a sharing request (the expert's home)",
              request_name, true, [](Context& ctx, const v1::DecideRequest& r) {
                return Show(ctx, ctx.Client().DeclineSharingRequest(r));
              });
  AddDecision(experts, ctx, "cancel", "Cancel your sharing request", request_name, false,
              [](Context& ctx, const v1::DecideRequest& r) {
                return Show(ctx, ctx.Client().CancelSharingRequest(r));
              });
  auto* complete =
      experts.add_subcommand("complete", "Record the days delivered on an accepted request");
  auto done = std::make_shared<v1::CompleteSharingRequestRequest>();
  auto delivered = std::make_shared<int>(0);
  complete->add_option("name", *done->mutable_name(), request_name)->required();
  complete->add_option("--days-delivered", *delivered, "Days delivered")->required();
  complete->add_option("--feedback", *done->mutable_feedback(), "How it went");
  complete->add_option("--etag", *done->mutable_etag(), "Fail unless this is the current etag");
  complete->callback([&ctx, done, delivered] {
    Run(ctx, [&]() -> absl::Status {
      done->set_days_delivered(*delivered);
      return Show(ctx, ctx.Client().CompleteSharingRequest(*done));
    });
  });
}

}  // namespace

void AddWorkflowCommands(CLI::App& app, Context& ctx) {
  AddInitiativeCommands(*app.get_subcommand("initiatives"), ctx);
  AddExpertCommands(*app.get_subcommand("experts"), ctx);
  AddRequestCommands(app, ctx);
  AddReportCommand(app, ctx);
}

}  // namespace psc::cli
