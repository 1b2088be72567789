#pragma once

#include <string>

#include "absl/time/time.h"

namespace psc::client {

// How a call is retried. When the server is UNAVAILABLE, only calls that are safe to repeat are
// retried: reads, and creates that carry a request_id. A call the server refused before doing
// anything (RATE_LIMITED, SERVER_BUSY) is retried whatever it is, waiting at least the delay
// the server asked for (its RetryInfo).
struct RetryPolicy {
  int max_attempts = 4;  // 1 disables retries
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(2);
  double backoff_multiplier = 2.0;  // each wait is this times the last (+-20% jitter)
};

struct ClientOptions {
  // gRPC target of pscd, e.g. "127.0.0.1:50051" or "dns:///registry.example:443".
  std::string target = "127.0.0.1:50051";
  // mTLS (the default): PEM files of the CA that signed pscd's certificate, and of this client's
  // certificate and private key. The certificate's URI SAN is the caller's identity.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // Plaintext instead of mTLS, for a pscd started with --insecure on a loopback address.
  bool insecure = false;
  // Deadline of each call, spanning all of its retries.
  absl::Duration deadline = absl::Seconds(30);
  RetryPolicy retry;
  // The largest response accepted (a List page of 1000 large records can be several MiB).
  int max_receive_message_bytes = 64 << 20;
  // For a front end whose certificate is a GATEWAY principal: the identity of the user every
  // call acts for (sent as `psc-on-behalf-of` metadata). pscd authorizes each call as that user
  // and records the gateway as the change's channel; it refuses the call with PERMISSION_DENIED
  // when this is empty for a gateway (GATEWAY_NEEDS_USER), set for any other principal
  // (ON_BEHALF_OF_REFUSED), or names no user in its principals file (UNKNOWN_PRINCIPAL).
  // Empty (the default): calls act as the certificate's own identity.
  std::string on_behalf_of;
};

}  // namespace psc::client
