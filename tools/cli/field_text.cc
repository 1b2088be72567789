#include "tools/cli/field_text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "psc/registry/v1/common.pb.h"
#include "psc/registry/v1/display_name.h"
#include "psc/registry/v1/expert.pb.h"

namespace psc::cli {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status Bad(const FieldDescriptor* f, const std::string& value, const std::string& want) {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", value, "\" is not a valid ", f->name(), ": want ", want));
}

const google::protobuf::EnumValueDescriptor* EnumByText(const EnumDescriptor* type,
                                                        const std::string& text) {
  std::string name = absl::AsciiStrToUpper(absl::StrReplaceAll(text, {{"-", "_"}, {" ", "_"}}));
  const auto* value = type->FindValueByName(name);
  if (value == nullptr && type == registry::v1::Skill_descriptor()) {
    value = type->FindValueByName(name + "_SKILL");  // safety-culture -> SAFETY_CULTURE_SKILL
  }
  // Or the words a table shows: "South West", "maternity and neonatal".
  for (int i = 1; value == nullptr && i < type->value_count(); ++i) {
    if (absl::EqualsIgnoreCase(registry::v1::DisplayName(type->value(i)), text)) {
      value = type->value(i);
    }
  }
  return value;
}

std::string EnumChoices(const EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 1; i < type->value_count(); ++i) names.push_back(type->value(i)->name());
  return absl::StrJoin(names, ", ");
}

absl::Status ParseDate(const FieldDescriptor* f, const std::string& text,
                       registry::v1::Date* date) {
  std::vector<std::string> parts = absl::StrSplit(text, '-');
  int y, m, d;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) ||
      !absl::SimpleAtoi(parts[2], &d)) {
    return Bad(f, text, "a date YYYY-MM-DD");
  }
  date->set_year(y);
  date->set_month(m);
  date->set_day(d);
  return absl::OkStatus();
}

absl::Status ParseSkill(const FieldDescriptor* f, const std::string& text,
                        registry::v1::ExpertSkill* skill) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  const auto* s = EnumByText(registry::v1::Skill_descriptor(), parts[0]);
  const auto* level = parts.size() > 1
                          ? EnumByText(registry::v1::SkillLevel_descriptor(), parts[1])
                          : registry::v1::SkillLevel_descriptor()->FindValueByName("PRACTITIONER");
  if (s == nullptr || level == nullptr || parts.size() > 2) {
    return Bad(f, text,
               absl::StrCat("SKILL[:LEVEL], skills ", EnumChoices(registry::v1::Skill_descriptor()),
                            "; levels ", EnumChoices(registry::v1::SkillLevel_descriptor())));
  }
  skill->set_skill(static_cast<registry::v1::Skill>(s->number()));
  skill->set_level(static_cast<registry::v1::SkillLevel>(level->number()));
  return absl::OkStatus();
}

// Sets (or adds, for a repeated field) one value of leaf field `f`.
absl::Status SetOne(Message* m, const FieldDescriptor* f, const std::string& text) {
  const Reflection* r = m->GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      rep ? r->AddString(m, f, text) : r->SetString(m, f, text);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* v = EnumByText(f->enum_type(), text);
      if (v == nullptr || v->number() == 0) return Bad(f, text, EnumChoices(f->enum_type()));
      rep ? r->AddEnum(m, f, v) : r->SetEnum(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool b;
      if (!absl::SimpleAtob(text, &b)) return Bad(f, text, "true or false");
      rep ? r->AddBool(m, f, b) : r->SetBool(m, f, b);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(text, &v)) return Bad(f, text, "a whole number");
      rep ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(text, &v)) return Bad(f, text, "a whole number");
      rep ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(text, &v)) return Bad(f, text, "a number");
      rep ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      Message* sub = rep ? r->AddMessage(m, f) : r->MutableMessage(m, f);
      if (auto* date = dynamic_cast<registry::v1::Date*>(sub)) return ParseDate(f, text, date);
      if (auto* skill = dynamic_cast<registry::v1::ExpertSkill*>(sub)) {
        return ParseSkill(f, text, skill);
      }
      break;
    }
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat(f->name(), " cannot be set from a flag"));
}

std::string ValueText(const Message& m, const FieldDescriptor* f, int index) {
  const Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
    case FieldDescriptor::CPPTYPE_ENUM:  // as people read it; flags take these words too
      return registry::v1::DisplayLabel(rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "yes" : "no";
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub = rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f);
      if (const auto* d = dynamic_cast<const registry::v1::Date*>(&sub)) {
        return absl::StrFormat("%04d-%02d-%02d", d->year(), d->month(), d->day());
      }
      if (const auto* s = dynamic_cast<const registry::v1::ExpertSkill*>(&sub)) {
        return absl::StrCat(registry::v1::DisplayLabel(s->skill()), " (",
                            registry::v1::DisplayName(s->level()), ")");
      }
      if (const auto* t = dynamic_cast<const google::protobuf::Timestamp*>(&sub)) {
        return google::protobuf::util::TimeUtil::ToString(*t).substr(0, 19) + "Z";
      }
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(sub, &json);
      return json;
    }
    default:
      return "?";
  }
}

}  // namespace

std::string FilterValueFromText(const Message& message, const std::string& field,
                                const std::string& value) {
  const google::protobuf::Descriptor* type = message.GetDescriptor();
  const FieldDescriptor* f = type->FindFieldByName(field);
  if (f == nullptr) f = type->FindFieldByName(field + "s");
  if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_ENUM) return value;
  const auto* found = EnumByText(f->enum_type(), value);
  return found == nullptr ? value : found->name();
}

std::string ExpandName(const std::string& collection, const std::string& value) {
  if (collection.empty() || value.empty() || value.find('/') != std::string::npos) return value;
  return absl::StrCat(collection, "/", value);
}

absl::Status SetFieldFromText(Message* message, const std::string& path,
                              const std::vector<std::string>& values,
                              const std::string& short_name_collection) {
  Message* m = message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    m = m->GetReflection()->MutableMessage(m, m->GetDescriptor()->FindFieldByName(parts[i]));
  }
  const FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(parts.back());
  if (f->is_repeated()) m->GetReflection()->ClearField(m, f);
  for (const std::string& v : values) {
    absl::Status s = SetOne(m, f, ExpandName(short_name_collection, v));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string FieldText(const Message& message, const std::string& path) {
  const Message* m = &message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    m = &m->GetReflection()->GetMessage(*m, m->GetDescriptor()->FindFieldByName(parts[i]));
  }
  const FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(parts.back());
  if (f == nullptr) return "";
  if (!f->is_repeated()) {
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !m->GetReflection()->HasField(*m, f)) {
      return "";
    }
    return ValueText(*m, f, 0);
  }
  std::vector<std::string> items;
  for (int i = 0; i < m->GetReflection()->FieldSize(*m, f); ++i) {
    items.push_back(ValueText(*m, f, i));
  }
  return absl::StrJoin(items, ", ");
}

}  // namespace psc::cli
