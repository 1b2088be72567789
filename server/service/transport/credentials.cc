#include "server/service/transport/credentials.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "server/common/log.h"

namespace psc::service {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* flag) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(flag, " is required"));
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read a PEM file at ", path));
  }
  return text.str();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TransportSecurity& security) {
  if (security.insecure) return grpc::InsecureServerCredentials();
  auto cert = ReadPem(security.cert_file, "--tls-cert");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(security.key_file, "--tls-key");
  if (!key.ok()) return key.status();
  auto ca = ReadPem(security.client_ca_file, "--client-ca");
  if (!ca.ok()) return ca.status();
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = *ca;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(options);
}

absl::Status CheckPrivateFile(const std::string& path, absl::string_view flag) {
  struct stat info;
  if (path.empty() || stat(path.c_str(), &info) != 0) return absl::OkStatus();  // reported later
  if (info.st_mode & (S_IWGRP | S_IWOTH)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", path,
                     " is writable by group or others, so anyone could change it; "
                     "chmod go-w it first"));
  }
  if (info.st_mode & (S_IRGRP | S_IROTH)) {
    LogWarning(absl::StrCat(flag, ": ", path, " is readable by group or others"));
  }
  return absl::OkStatus();
}

}  // namespace psc::service
