#include "server/common/errors.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"
#include "server/common/utf8.h"

namespace psc {
namespace {

void AddErrorInfo(absl::string_view reason, google::rpc::Status* rpc,
                  const std::map<std::string, std::string>& metadata = {}) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  info.mutable_metadata()->insert(metadata.begin(), metadata.end());
  rpc->add_details()->PackFrom(info);
}

absl::Status WithDetails(absl::StatusCode code, absl::string_view message,
                         const google::rpc::Status& rpc) {
  absl::Status status(code, message);
  status.SetPayload(kStatusDetailsUrl, absl::Cord(rpc.SerializeAsString()));
  return status;
}

}  // namespace

absl::Status Error(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                   const std::vector<FieldViolation>& violations,
                   const std::map<std::string, std::string>& metadata) {
  const std::string bounded = CharacterPrefix(message, kMaxMessageChars);
  google::rpc::Status rpc;
  rpc.set_code(static_cast<int>(code));
  rpc.set_message(bounded);
  AddErrorInfo(reason, &rpc, metadata);
  if (!violations.empty()) {
    google::rpc::BadRequest bad_request;
    for (size_t i = 0; i < violations.size() && i < kMaxViolations; ++i) {
      auto* fv = bad_request.add_field_violations();
      fv->set_field(CharacterPrefix(violations[i].field, kMaxViolationChars));
      fv->set_description(CharacterPrefix(violations[i].description, kMaxViolationChars));
    }
    if (violations.size() > kMaxViolations) {
      auto* more = bad_request.add_field_violations();
      more->set_field("*");
      more->set_description(
          absl::StrCat("and ", violations.size() - kMaxViolations, " more violations not listed"));
    }
    rpc.add_details()->PackFrom(bad_request);
  }
  return WithDetails(code, bounded, rpc);
}

absl::Status RetryLater(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                        absl::Duration delay) {
  google::rpc::Status rpc;
  rpc.set_code(static_cast<int>(code));
  rpc.set_message(CharacterPrefix(message, kMaxMessageChars));
  AddErrorInfo(reason, &rpc);
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(absl::ToInt64Seconds(delay));
  retry.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(delay % absl::Seconds(1))));
  rpc.add_details()->PackFrom(retry);
  return WithDetails(code, rpc.message(), rpc);
}

absl::Status ArgumentError(absl::string_view field, absl::string_view reason,
                           absl::string_view description) {
  return Error(absl::StatusCode::kInvalidArgument, reason, absl::StrCat(field, ": ", description),
               {{std::string(field), std::string(description)}});
}

absl::Status ValidationError(const std::vector<FieldViolation>& violations) {
  // The message names the first few; the details carry up to kMaxViolations.
  constexpr size_t kInMessage = 5;
  std::vector<FieldViolation> first(violations.begin(),
                                    violations.begin() + std::min(violations.size(), kInMessage));
  std::string message = absl::StrCat("invalid request: ", JoinViolations(first));
  if (violations.size() > kInMessage) {
    absl::StrAppend(&message, "; and ", violations.size() - kInMessage, " more");
  }
  return Error(absl::StatusCode::kInvalidArgument, "VALIDATION_FAILED", message, violations);
}

std::string JoinViolations(const std::vector<FieldViolation>& violations) {
  return absl::StrJoin(violations, "; ", [](std::string* out, const FieldViolation& v) {
    absl::StrAppend(out, v.field, ": ", v.description);
  });
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status rpc;
  if (auto payload = status.GetPayload(kStatusDetailsUrl);
      payload && rpc.ParseFromString(std::string(*payload))) {
    return rpc;
  }
  rpc.Clear();
  rpc.set_code(static_cast<int>(status.code()));
  rpc.set_message(std::string(status.message()));
  if (!status.ok()) AddErrorInfo(absl::StatusCodeToString(status.code()), &rpc);  // e.g. "INTERNAL"
  return rpc;
}

std::string ErrorReason(const absl::Status& status) {
  if (status.ok()) return "";
  const google::rpc::Status rpc = ToRpcStatus(status);
  for (const auto& any : rpc.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

std::vector<FieldViolation> FieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  const google::rpc::Status rpc = ToRpcStatus(status);
  for (const auto& any : rpc.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& fv : bad_request.field_violations()) {
      out.push_back({fv.field(), fv.description()});
    }
  }
  return out;
}

}  // namespace psc
