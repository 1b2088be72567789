#pragma once
// psc-web's HTML templates (tools/web/templates/*.mustache, embedded at build time), rendered
// with kainjow::mustache, which HTML-escapes every {{value}}. Only {{{body}}} in the layout is
// unescaped, and it holds a page this code rendered.

#include <map>
#include <string>

#include "absl/status/status.h"
#include "kainjow/mustache.hpp"

namespace psc::web {

using Data = kainjow::mustache::data;
using List = kainjow::mustache::list;

// Every embedded template by base name ("layout", "search", "_chart", ...). Generated.
const std::map<std::string, std::string>& EmbeddedTemplates();

// Sets `key` only when `value` is not empty: a mustache section ({{#key}}) renders for any
// string, even an empty one.
inline void SetIfAny(Data& data, const std::string& key, const std::string& value) {
  if (!value.empty()) data.set(key, value);
}

// Thread-safe (each render parses its template anew: a few microseconds, no shared state).
class Templates {
 public:
  // Parses every embedded template: INTERNAL naming the first that does not parse.
  static absl::Status CheckAll();

  // `page` rendered with `data`, placed in the layout as its body. Templates whose names start
  // with "_" are partials every template may include ({{> _chart}}).
  static std::string RenderPage(const std::string& page, Data data);

 private:
  static std::string Render(const std::string& name, const Data& data);
};

}  // namespace psc::web
