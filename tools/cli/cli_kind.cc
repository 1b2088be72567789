#include "tools/cli/cli_kind.h"

#include <type_traits>

namespace psc::cli {
namespace {

namespace v1 = registry::v1;
using client::RegistryClient;

// Adapts the typed client methods of one kind to the CliKind signatures.
template <typename T, typename ListRequest, typename ListResponse>
void BindRpcs(CliKind& kind, absl::StatusOr<T> (RegistryClient::*get)(const std::string&),
              absl::StatusOr<ListResponse> (RegistryClient::*list)(const ListRequest&),
              absl::StatusOr<T> (RegistryClient::*create)(const T&, const client::CreateOptions&),
              absl::StatusOr<T> (RegistryClient::*update)(const T&,
                                                          const google::protobuf::FieldMask&,
                                                          const std::string&),
              absl::Status (RegistryClient::*remove)(const std::string&, const std::string&)) {
  auto boxed = [](absl::StatusOr<T> r) -> absl::StatusOr<MessagePtr> {
    if (!r.ok()) return r.status();
    return std::make_unique<T>(*std::move(r));
  };
  kind.prototype = &T::default_instance();
  kind.get = [=](RegistryClient& c, const std::string& name) { return boxed((c.*get)(name)); };
  kind.list = [=](RegistryClient& c, const ListArgs& args) -> absl::StatusOr<Page> {
    ListRequest request;
    request.set_page_size(args.page_size);
    request.set_page_token(args.page_token);
    request.set_filter(args.filter);
    request.set_order_by(args.order_by);
    absl::StatusOr<ListResponse> response = (c.*list)(request);
    if (!response.ok()) return response.status();
    Page page;
    // Field 1 of every List response holds the resources.
    const auto* field = response->GetDescriptor()->FindFieldByNumber(1);
    const auto* reflection = response->GetReflection();
    for (int i = 0; i < reflection->FieldSize(*response, field); ++i) {
      page.items.push_back(std::make_unique<T>(
          static_cast<const T&>(reflection->GetRepeatedMessage(*response, field, i))));
    }
    page.next_page_token = response->next_page_token();
    page.sequence = response->sequence();
    return page;
  };
  kind.create = [=](RegistryClient& c, const google::protobuf::Message& m,
                    const client::CreateOptions& options) {
    return boxed((c.*create)(static_cast<const T&>(m), options));
  };
  kind.update = [=](RegistryClient& c, const google::protobuf::Message& m,
                    const google::protobuf::FieldMask& mask, const std::string& etag, bool bulk) {
    if constexpr (std::is_same_v<T, v1::Initiative>) {
      if (bulk) {
        v1::UpdateInitiativeRequest request;
        *request.mutable_initiative() = static_cast<const T&>(m);
        *request.mutable_update_mask() = mask;
        request.set_etag(etag);
        request.set_skip_similar_initiatives(true);
        return boxed(c.UpdateInitiative(request));
      }
    }
    return boxed((c.*update)(static_cast<const T&>(m), mask, etag));
  };
  kind.remove = [=](RegistryClient& c, const std::string& name, const std::string& etag) {
    return (c.*remove)(name, etag);
  };
}

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
  BindRpcs(c, &RegistryClient::GetCollaborative, &RegistryClient::ListCollaboratives,
           &RegistryClient::CreateCollaborative, &RegistryClient::UpdateCollaborative,
           &RegistryClient::DeleteCollaborative);

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
  BindRpcs(i, &RegistryClient::GetInitiative, &RegistryClient::ListInitiatives,
           &RegistryClient::CreateInitiative, &RegistryClient::UpdateInitiative,
           &RegistryClient::DeleteInitiative);

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
  BindRpcs(s, &RegistryClient::GetCaseStudy, &RegistryClient::ListCaseStudies,
           &RegistryClient::CreateCaseStudy, &RegistryClient::UpdateCaseStudy,
           &RegistryClient::DeleteCaseStudy);

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
  BindRpcs(e, &RegistryClient::GetExpert, &RegistryClient::ListExperts,
           &RegistryClient::CreateExpert, &RegistryClient::UpdateExpert,
           &RegistryClient::DeleteExpert);

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
  BindRpcs(r, &RegistryClient::GetResource, &RegistryClient::ListResources,
           &RegistryClient::CreateResource, &RegistryClient::UpdateResource,
           &RegistryClient::DeleteResource);
  return kinds;
}

}  // namespace

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
