#include "tools/cli/command_support.h"

#include "psc/registry/v1/initiative.pb.h"
#include "tools/cli/output.h"
#include "tools/cli/search_commands.h"

namespace psc::cli {

void PrintResource(Context& ctx, const google::protobuf::Message& m) {
  if (ctx.format() == OutputFormat::kJson) {
    ctx.out << ToJsonLine(m) << "\n";
    return;
  }
  const auto* initiative = dynamic_cast<const registry::v1::Initiative*>(&m);
  if (initiative == nullptr || initiative->similar_initiatives().empty()) {
    PrintDetails(m, ctx.out);
    return;
  }
  registry::v1::Initiative shown = *initiative;
  shown.clear_similar_initiatives();
  PrintDetails(shown, ctx.out);
  PrintSimilarHint(initiative->similar_initiatives(), ctx.err);
}

}  // namespace psc::cli
