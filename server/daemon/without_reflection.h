#pragma once
// A ServerBuilder option that drops gRPC server reflection, whose plugin the reflection
// library registers for every server it is linked into.

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"

namespace psc::daemon {

class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [](const std::unique_ptr<grpc::ServerBuilderPlugin>& p) {
                                    return absl::StrContains(p->name(), "reflection");
                                  }),
                   plugins->end());
  }
};

}  // namespace psc::daemon
