#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "tools/cli/cli_kind.h"

namespace psc::cli {

enum class OutputFormat { kTable, kJson, kCsv };

// An aligned table with a header row (cells but the first longer than 48 characters cut with
// "..."), or with kCsv the same rows as RFC 4180 CSV, uncut.
void PrintCells(const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows, std::ostream& out,
                OutputFormat format = OutputFormat::kTable);

// PrintCells of the fields at each column's path.
void PrintTable(const std::vector<Column>& columns,
                const std::vector<const google::protobuf::Message*>& rows, std::ostream& out,
                OutputFormat format = OutputFormat::kTable);

// One "field  value" line per field that is set, in declaration order.
void PrintDetails(const google::protobuf::Message& message, std::ostream& out);

// The message in protobuf's JSON mapping, on one line.
std::string ToJsonLine(const google::protobuf::Message& message);

}  // namespace psc::cli
