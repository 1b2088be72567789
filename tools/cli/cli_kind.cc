#include "tools/cli/cli_kind.h"

namespace psc::cli {
namespace {

namespace v1 = registry::v1;

const std::string kCollaboratives = "collaboratives";

std::vector<CliKind> MakeKinds() {
  std::vector<CliKind> kinds(5);
  CliKind& c = kinds[0];
  c.command = "collaboratives";
  c.singular = "collaborative";
  c.fields = {{"display-name", "display_name", "Display name, e.g. \"Wessex PSC\""},
              {"host-ahsn", "host_ahsn", "Host Academic Health Science Network"},
              {"region", "region", "NHS region, e.g. SOUTH_WEST"},
              {"lead-name", "patient_safety_lead.name", "Patient safety lead's name"},
              {"lead-email", "patient_safety_lead.email", "Patient safety lead's email"}};
  c.filters = {{"region", "region", "Only this NHS region"}};
  c.columns = {{"NAME", "name"},
               {"DISPLAY NAME", "display_name"},
               {"HOST AHSN", "host_ahsn"},
               {"REGION", "region"}};
  c.prototype = &v1::Collaborative::default_instance();

  CliKind& i = kinds[1];
  i.command = "initiatives";
  i.singular = "initiative";
  i.fields = {{"title", "title", "Title"},
              {"summary", "summary", "Summary"},
              {"lead", "lead_collaborative", "Lead collaborative (id or name)", kCollaboratives},
              {"participant", "participant_collaboratives",
               "Participating collaborative (repeat for several)", kCollaboratives},
              {"workstream", "workstream",
               "SAFETY_CULTURE, DETERIORATING_PATIENT, MATERNITY_NEONATAL or LOCAL"},
              {"local-priority", "local_priority", "The local priority (LOCAL workstream)"},
              {"status", "status", "PROPOSED, ACTIVE, SPREADING, COMPLETED, PAUSED or STOPPED"},
              {"status-reason", "status_reason", "Why it is paused or stopped"},
              {"override-reason", "status_override_reason",
               "Admins: why it may be active without a complete measurement plan"},
              {"topic", "topics", "Topic (repeat for several)"},
              {"care-setting", "care_settings", "Care setting (repeat for several)"},
              {"start", "start_date", "Start date, YYYY-MM-DD"},
              {"end", "end_date", "End date, YYYY-MM-DD"},
              {"qi-method", "qi_method", "Quality improvement method"},
              {"adopted-from", "adopted_from", "The initiative this spread from", "initiatives"}};
  i.filters = {
      {"collaborative", "collaborative", "Led by or joined by this collaborative", kCollaboratives},
      {"workstream", "workstream", "Only this workstream"},
      {"status", "status", "Only this status"},
      {"topic", "topic", "Only this topic"},
      {"plan", "measurement_plan_status", "COMPLETE or INCOMPLETE measurement plans"}};
  i.columns = {{"NAME", "name"},
               {"TITLE", "title"},
               {"LEAD", "lead_collaborative"},
               {"WORKSTREAM", "workstream"},
               {"STATUS", "status"},
               {"PLAN", "measurement_plan_status"}};
  i.prototype = &v1::Initiative::default_instance();

  CliKind& s = kinds[2];
  s.command = "caseStudies";
  s.alias = "case-studies";
  s.singular = "case study";
  s.fields = {{"title", "title", "Title"},
              {"summary", "summary", "Summary"},
              {"owner", "owner_collaborative", "Owning collaborative", kCollaboratives},
              {"collaborative", "collaboratives", "Collaborative that took part (repeatable)",
               kCollaboratives},
              {"initiative", "initiative", "The initiative it describes", "initiatives"},
              {"topic", "topics", "Topic (repeatable)"},
              {"state", "publication_state", "DRAFT, PUBLISHED or WITHDRAWN"}};
  s.filters = {{"collaborative", "collaborative", "Owned by or involving this collaborative",
                kCollaboratives},
               {"state", "publication_state", "Only this publication state"},
               {"initiative", "initiative", "Only about this initiative", "initiatives"},
               {"topic", "topic", "Only this topic"}};
  s.columns = {{"NAME", "name"},
               {"TITLE", "title"},
               {"OWNER", "owner_collaborative"},
               {"STATE", "publication_state"}};
  s.prototype = &v1::CaseStudy::default_instance();

  CliKind& e = kinds[3];
  e.command = "experts";
  e.singular = "expert";
  e.fields = {{"display-name", "display_name", "Display name"},
              {"home", "home_collaborative", "Home collaborative", kCollaboratives},
              {"organisation", "organisation", "Employing organisation"},
              {"job-title", "job_title", "Job title"},
              {"skill", "skills", "SKILL[:LEVEL], e.g. human-factors:expert (repeatable)"},
              {"region", "regions", "NHS region covered (repeatable)"},
              {"shareable", "shareable", "true if other PSCs may request their time"},
              {"days", "days_per_month_offered", "Days per month offered to other PSCs"},
              {"email", "contact.email", "Contact email (personal data)"}};
  e.filters = {
      {"home", "home_collaborative", "Only experts based in this collaborative", kCollaboratives},
      {"skill", "skill", "Only experts with this skill"},
      {"shareable", "shareable", "true: only experts other PSCs can request"},
      {"region", "region", "Only experts covering this region"}};
  e.columns = {{"NAME", "name"},
               {"DISPLAY NAME", "display_name"},
               {"HOME", "home_collaborative"},
               {"SKILLS", "skills"},
               {"SHAREABLE", "shareable"},
               {"DAYS/MONTH", "days_per_month_offered"}};
  e.prototype = &v1::Expert::default_instance();

  CliKind& r = kinds[4];
  r.command = "resources";
  r.singular = "resource";
  r.fields = {{"title", "title", "Title"},
              {"kind", "kind", "MEASUREMENT_SUPPORT, TRAINING, TOOLKIT, DATA_SOURCE, ..."},
              {"provider", "provider", "Collaborative id, or national/{body}", kCollaboratives},
              {"description", "description", "Description"},
              {"link", "link", "http(s) link"},
              {"access-terms", "access_terms", "Who may use it, and how"},
              {"topic", "topics", "Topic (repeatable)"}};
  r.filters = {{"provider", "provider", "Only from this provider", kCollaboratives},
               {"kind", "kind", "Only this kind"},
               {"topic", "topic", "Only this topic"}};
  r.columns = {{"NAME", "name"}, {"TITLE", "title"}, {"KIND", "kind"}, {"PROVIDER", "provider"}};
  r.prototype = &v1::Resource::default_instance();
  return kinds;
}

}  // namespace

MessagePtr NewRecord(const CliKind& kind) { return MessagePtr(kind.prototype->New()); }

const std::vector<CliKind>& CliKinds() {
  static const auto* kinds = new std::vector<CliKind>(MakeKinds());
  return *kinds;
}

const CliKind* FindCliKind(const std::string& name) {
  for (const CliKind& k : CliKinds()) {
    if (k.command == name || (!k.alias.empty() && k.alias == name)) return &k;
  }
  return nullptr;
}

std::string CliCollections() {
  std::string out;
  for (const CliKind& k : CliKinds()) out += (out.empty() ? "" : ", ") + k.command;
  return out;
}

const CliKind* KindOfName(const std::string& name) {
  return FindCliKind(name.substr(0, name.find('/')));
}

}  // namespace psc::cli
