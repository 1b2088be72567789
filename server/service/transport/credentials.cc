#include "server/service/transport/credentials.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "server/common/log.h"
#include "server/common/pem_file.h"

namespace psc::service {
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TransportSecurity& security) {
  if (security.insecure) return grpc::InsecureServerCredentials();
  auto cert = ReadPemFile(security.cert_file, "--tls-cert");
  if (!cert.ok()) return cert.status();
  auto key = ReadPemFile(security.key_file, "--tls-key");
  if (!key.ok()) return key.status();
  auto ca = ReadPemFile(security.client_ca_file, "--client-ca");
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
