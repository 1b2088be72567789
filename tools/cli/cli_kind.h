#pragma once

// What the CLI knows about each kind: its command name, the flags that set common fields, the
// list filters and the table columns. Its calls go through the client's run-time kind methods
// (GetRecord, ListRecords, ...), so a kind needs no code here beyond these words.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"
#include "psc/client/registry_client.h"

namespace psc::cli {

using MessagePtr = std::unique_ptr<google::protobuf::Message>;

// A flag that sets a field on create and update, e.g. --title or --participant.
struct FieldFlag {
  std::string flag;  // without dashes
  std::string path;  // field path in the resource
  std::string help;
  std::string collection;  // values may be bare ids of this collection
};

// A list flag that adds `field = VALUE` to the filter.
struct FilterFlag {
  std::string flag;
  std::string field;
  std::string help;
  std::string collection;  // values may be bare ids of this collection
};

struct Column {
  std::string header;
  std::string path;
};

struct CliKind {
  std::string command;                         // CLI command and collection id, e.g. "caseStudies"
  std::string alias;                           // another accepted command name, e.g. "case-studies"
  std::string singular;                        // e.g. "case study"
  const google::protobuf::Message* prototype;  // the kind's message
  std::vector<FieldFlag> fields;
  std::vector<FilterFlag> filters;
  std::vector<Column> columns;
};

// A new, empty message of `kind`.
MessagePtr NewRecord(const CliKind& kind);

// Every kind, in dependency order (a kind only refers to kinds before it, or to itself).
const std::vector<CliKind>& CliKinds();

// The kind whose command, alias or collection is `name`, or nullptr.
const CliKind* FindCliKind(const std::string& name);

// "collaboratives, initiatives, ...": the collections of CliKinds(), for help texts.
std::string CliCollections();

// The kind of the resource named `name` ("initiatives/x"), or nullptr.
const CliKind* KindOfName(const std::string& name);

}  // namespace psc::cli
