#include "server/common/pem_file.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace psc {

absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view what) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " is required"));
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": cannot read a PEM file at ", path));
  }
  return text.str();
}

}  // namespace psc
