#include "server/service/transport/certificate_info.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"

namespace psc::service {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

std::string NameText(const X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string text(data, size);
  BIO_free(bio);
  return text;
}

}  // namespace

absl::StatusOr<CertificateInfo> ReadCertificate(const std::string& cert_file,
                                                const std::string& key_file) {
  File cert_in(fopen(cert_file.c_str(), "r"));
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      cert_in ? PEM_read_X509(cert_in.get(), nullptr, nullptr, nullptr) : nullptr, &X509_free);
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-cert: ", cert_file, " holds no PEM certificate"));
  }
  File key_in(fopen(key_file.c_str(), "r"));
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      key_in ? PEM_read_PrivateKey(key_in.get(), nullptr, nullptr, nullptr) : nullptr,
      &EVP_PKEY_free);
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-key: ", key_file, " holds no unencrypted PEM private key"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-key: ", key_file, " is not the key of the certificate in ", cert_file));
  }
  CertificateInfo info;
  info.subject = NameText(X509_get_subject_name(cert.get()));
  tm not_after{};
  ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &not_after);
  info.not_after = absl::FromTM(not_after, absl::UTCTimeZone());
  return info;
}

}  // namespace psc::service
