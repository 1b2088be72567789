#include "server/registry/fields/validator.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/utf8.h"
#include "server/registry/fields/names.h"

namespace psc::registry {
namespace {

bool IsValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int extra = c < 0x80           ? 0
                : (c >> 5) == 0x6  ? 1
                : (c >> 4) == 0xe  ? 2
                : (c >> 3) == 0x1e ? 3
                                   : -1;
    if (extra < 0 || s.size() - i <= static_cast<size_t>(extra)) return false;
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

}  // namespace

std::string Indexed(absl::string_view path, int i) { return absl::StrCat(path, "[", i, "]"); }
std::string Sub(absl::string_view path, absl::string_view field) {
  return path.empty() ? std::string(field) : absl::StrCat(path, ".", field);
}

void Validator::Fail(std::string path, std::string description) {
  out_->push_back({std::move(path), std::move(description)});
}

void Validator::Text(absl::string_view path, absl::string_view value, size_t max, bool required) {
  if (required && value.empty()) {
    Fail(std::string(path), "is required");
  } else if (!IsValidUtf8(value)) {
    Fail(std::string(path), "is not valid UTF-8");
  } else if (const size_t chars = CharacterCount(value); chars > max) {
    Fail(std::string(path),
         absl::StrCat("is ", chars, " characters; at most ", max, " are allowed"));
  }
}

void Validator::TextList(absl::string_view path,
                         const google::protobuf::RepeatedPtrField<std::string>& list, int max_items,
                         size_t max_len) {
  Count(path, list.size(), max_items);
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < list.size(); ++i) {
    Text(Indexed(path, i), list[i], max_len, /*required=*/true);
    if (!seen.insert(list[i]).second) Fail(Indexed(path, i), "is a duplicate");
  }
}

void Validator::Count(absl::string_view path, int count, int max) {
  if (count > max) {
    Fail(std::string(path), absl::StrCat("has ", count, " entries; at most ", max, " are allowed"));
  }
}

void Validator::EnumImpl(absl::string_view path, int value,
                         const google::protobuf::EnumDescriptor* type, bool required) {
  if (type->FindValueByNumber(value) == nullptr) {
    Fail(std::string(path), absl::StrCat(value, " is not a value of ", type->name()));
  } else if (required && value == 0) {
    Fail(std::string(path), "is required");
  }
}

void Validator::Date(absl::string_view path, const v1::Date* date) {
  if (date == nullptr) return;
  if (date->year() < 1900 || date->year() > 2200 || date->month() < 1 || date->month() > 12 ||
      date->day() < 1 || date->day() > DaysIn(date->year(), date->month())) {
    Fail(std::string(path), absl::StrCat(date->year(), "-", date->month(), "-", date->day(),
                                         " is not a date between 1900 and 2200"));
  }
}

void Validator::DateOrder(absl::string_view end_path, const v1::Date* start, const v1::Date* end) {
  if (start == nullptr || end == nullptr) return;
  auto key = [](const v1::Date& d) { return d.year() * 10000 + d.month() * 100 + d.day(); };
  if (key(*end) < key(*start)) Fail(std::string(end_path), "is before the start date");
}

void Validator::Url(absl::string_view path, absl::string_view value, size_t max) {
  if (value.empty()) return;
  Text(path, value, max);
  if (!absl::StartsWith(value, "https://") && !absl::StartsWith(value, "http://")) {
    Fail(std::string(path), "must be an http:// or https:// URL");
  }
}

void Validator::Contact(absl::string_view path, const v1::Contact& contact) {
  Text(Sub(path, "name"), contact.name(), 200);
  Text(Sub(path, "email"), contact.email(), 254);
  if (!contact.email().empty() && !absl::StrContains(contact.email(), "@")) {
    Fail(Sub(path, "email"), "is not an email address");
  }
  Text(Sub(path, "phone"), contact.phone(), 40);
}

void Validator::Name(absl::string_view path, absl::string_view value, absl::string_view collection,
                     bool required) {
  if (value.empty()) {
    if (required) Fail(std::string(path), "is required");
    return;
  }
  if (!IsNameIn(value, collection)) {
    Fail(std::string(path), absl::StrCat("must be a resource name ", collection, "/{id}"));
  }
}

void Validator::Range(absl::string_view path, double value, double lo, double hi) {
  if (!(value >= lo && value <= hi)) {
    Fail(std::string(path), absl::StrCat("must be between ", lo, " and ", hi));
  }
}

}  // namespace psc::registry
