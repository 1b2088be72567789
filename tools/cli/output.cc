#include "tools/cli/output.h"

#include <algorithm>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "tools/cli/field_text.h"

namespace psc::cli {
namespace {

constexpr size_t kMaxCell = 48;

std::string Cell(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (text.size() > kMaxCell) text = text.substr(0, kMaxCell - 3) + "...";
  return text;
}

}  // namespace

void PrintCells(const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows, std::ostream& out,
                OutputFormat format) {
  if (format == OutputFormat::kCsv) {
    auto quoted = [](const std::string& cell) {
      if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
      std::string q = "\"";
      for (char c : cell) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    auto write = [&](const std::vector<std::string>& line) {
      for (size_t i = 0; i < line.size(); ++i) out << (i ? "," : "") << quoted(line[i]);
      out << "\r\n";
    };
    write(headers);
    for (const auto& line : rows) write(line);
    return;
  }
  std::vector<size_t> widths;
  for (const std::string& h : headers) widths.push_back(h.size());
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (size_t i = 0; i < headers.size(); ++i) {
      // The first column names the row: never cut it.
      std::string cell = i < row.size() ? row[i] : "";
      line.push_back(i == 0 ? cell : Cell(cell));
      widths[i] = std::max(widths[i], line.back().size());
    }
    cells.push_back(std::move(line));
  }
  auto print = [&](const std::vector<std::string>& line) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(widths[i] - line[i].size() + 2, ' ');
    }
    out << text << "\n";
  };
  print(headers);
  for (const auto& line : cells) print(line);
}

void PrintTable(const std::vector<Column>& columns,
                const std::vector<const google::protobuf::Message*>& rows, std::ostream& out,
                OutputFormat format) {
  std::vector<std::string> headers;
  for (const Column& c : columns) headers.push_back(c.header);
  std::vector<std::vector<std::string>> cells;
  for (const auto* row : rows) {
    std::vector<std::string> line;
    for (const Column& c : columns) line.push_back(FieldText(*row, c.path));
    cells.push_back(std::move(line));
  }
  PrintCells(headers, cells, out, format);
}

void PrintDetails(const google::protobuf::Message& message, std::ostream& out) {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  size_t width = 0;
  for (const auto* f : fields) width = std::max(width, f->name().size());
  for (const auto* f : fields) {
    out << f->name() << std::string(width - f->name().size() + 2, ' ')
        << FieldText(message, f->name()) << "\n";
  }
}

std::string ToJsonLine(const google::protobuf::Message& message) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json);
  return json;
}

}  // namespace psc::cli
