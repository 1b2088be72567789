#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace psc::service {

// The gRPC status for `status`, with its google.rpc.Status (ErrorInfo always, BadRequest for
// validation errors) in the grpc-status-details-bin trailer.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace psc::service
