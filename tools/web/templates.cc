#include "tools/web/templates.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace psc::web {

absl::Status Templates::CheckAll() {
  for (const auto& [name, text] : EmbeddedTemplates()) {
    kainjow::mustache::mustache parsed(text);
    if (!parsed.is_valid()) {
      return absl::InternalError(
          absl::StrCat("template ", name, ".mustache: ", parsed.error_message()));
    }
  }
  return absl::OkStatus();
}

std::string Templates::Render(const std::string& name, const Data& data) {
  auto it = EmbeddedTemplates().find(name);
  if (it == EmbeddedTemplates().end()) {  // a page naming a template that is not there
    std::cerr << "psc-web: no template " << name << "\n";
    std::abort();
  }
  kainjow::mustache::mustache parsed(it->second);
  return parsed.render(data);
}

std::string Templates::RenderPage(const std::string& page, Data data) {
  for (const auto& [name, text] : EmbeddedTemplates()) {
    if (absl::StartsWith(name, "_")) {
      const std::string* partial = &text;
      data.set(name, kainjow::mustache::partial([partial] { return *partial; }));
    }
  }
  data.set("body", Render(page, data));
  return Render("layout", data);
}

}  // namespace psc::web
