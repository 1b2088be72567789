#include "client/src/credentials.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace psc::client {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* what) {
  if (path.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no ", what, " given: mTLS needs a CA, a client certificate and its key"));
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().find("-----BEGIN") == std::string::npos) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read the ", what, " at ", path));
  }
  return text.str();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientOptions& options) {
  if (options.insecure) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  auto ca = ReadPem(options.ca_file, "CA certificate");
  if (!ca.ok()) return ca.status();
  auto cert = ReadPem(options.cert_file, "client certificate");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(options.key_file, "client key");
  if (!key.ok()) return key.status();
  ssl.pem_root_certs = *ca;
  ssl.pem_cert_chain = *cert;
  ssl.pem_private_key = *key;
  return grpc::SslCredentials(ssl);
}

}  // namespace psc::client
