#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "tools/cli/cli_kind.h"

namespace psc::cli {

enum class OutputFormat { kTable, kJson };

// An aligned table with a header row; cells longer than 48 characters are cut with "...".
void PrintTable(const std::vector<Column>& columns,
                const std::vector<const google::protobuf::Message*>& rows, std::ostream& out);

// One "field  value" line per field that is set, in declaration order.
void PrintDetails(const google::protobuf::Message& message, std::ostream& out);

// The message in protobuf's JSON mapping, on one line.
std::string ToJsonLine(const google::protobuf::Message& message);

}  // namespace psc::cli
