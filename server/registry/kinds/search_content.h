#pragma once
// Small helpers the kinds share to describe their records' text to the search index.

#include <string>

#include "google/protobuf/repeated_ptr_field.h"
#include "server/index/document.h"

namespace psc::registry {

// The title: shown in hits, and weighted above body text.
inline void AddSearchTitle(const std::string& title, index::Document* document) {
  document->title = title;
  document->text.push_back({"title", title, 3});
}

// Body text, found without a field prefix.
inline void AddSearchText(const std::string& text, index::Document* document) {
  if (!text.empty()) document->text.push_back({"", text, 1});
}

// Topics as text a `topic:` query finds (their exact values are List terms already).
inline void AddSearchTopics(const google::protobuf::RepeatedPtrField<std::string>& topics,
                            index::Document* document) {
  for (const std::string& topic : topics) document->text.push_back({"topic", topic, 2});
}

}  // namespace psc::registry
