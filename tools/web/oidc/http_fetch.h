#pragma once
// HTTP(S) calls from psc-web to the OpenID provider (discovery, keys, tokens), through libcurl.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace psc::web::oidc {

struct HttpCall {
  std::string url;
  // With a body, a POST of application/x-www-form-urlencoded; without, a GET.
  std::string form_body;
  // HTTP Basic authentication (client_secret_basic) when `basic_user` is set.
  std::string basic_user;
  std::string basic_password;
  // A PEM file of CAs to trust instead of the system's (a provider with a private CA).
  std::string ca_file;
  absl::Duration timeout = absl::Seconds(5);
};

struct HttpReply {
  long status = 0;
  std::string body;
};

// The largest reply body accepted; a provider's documents are a few KiB.
inline constexpr size_t kMaxReplyBytes = 1 << 20;

// Makes `call` (http and https only, no redirects followed). Returns the reply whatever its HTTP
// status; UNAVAILABLE when there was no reply (refused, timed out, TLS failed), naming the host
// and libcurl's reason; RESOURCE_EXHAUSTED for a body over kMaxReplyBytes. Thread-safe.
absl::StatusOr<HttpReply> Fetch(const HttpCall& call);

// `text` percent-encoded for a URL's query or a form (RFC 3986 unreserved characters kept).
std::string UrlEncode(absl::string_view text);

}  // namespace psc::web::oidc
