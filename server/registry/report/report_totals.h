#pragma once
// The national report's figures kept as running totals: each record's contribution is added
// when it appears and taken away when it changes or goes, so the report is read in time
// independent of the registry's size. Exact, not estimated: the same figures as counting every
// record (network_report.h's RecountNetworkReport, which tests compare against).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "psc/registry/v1/workflow.pb.h"

namespace psc::registry {

// Not thread-safe: ReportFollower serializes its use.
class ReportTotals {
 public:
  // Records `name`'s state: `record` its message now (a collaborative, initiative, case study,
  // join or sharing request; other kinds are ignored), or nullptr once it is deleted.
  void Put(const std::string& name, const google::protobuf::Message* record);

  // The figures of `scope`: "national" or a collaborative's name.
  v1::ReportFigures Figures(const std::string& scope) const;
  // The collaboratives that exist, in name order.
  const std::set<std::string>& collaboratives() const { return collaboratives_; }

 private:
  struct Counters {
    int64_t initiatives = 0, national_workstream = 0, local = 0, multi_psc = 0, complete_plans = 0,
            join_made = 0, join_approved = 0, days_given = 0, days_received = 0,
            delivered_given = 0, delivered_received = 0, published = 0, adopted = 0;
    std::map<int, int64_t> by_workstream, by_status;
  };
  // What each kind's record contributes, from the fields the figures read.
  struct Initiative {
    std::string lead;
    std::set<std::string> involved;  // the lead and the participants
    int workstream = 0, status = 0;
    bool multi_psc = false, complete_plan = false;
    std::string adopted_from;
  };
  struct CaseStudy {
    std::set<std::string> involved;  // the owner and the collaboratives
    bool published = false;
  };
  struct JoinRequest {
    std::string requesting;
    bool approved = false;
  };
  struct SharingRequest {
    std::string home, requesting;
    int64_t committed = 0, delivered = 0;
  };

  // Adds (`sign` +1) or takes away (-1) one record's contribution.
  void Apply(const Initiative& i, int sign);
  void Apply(const CaseStudy& c, int sign);
  void Apply(const JoinRequest& j, int sign);
  void Apply(const SharingRequest& s, int sign);
  void PutInitiative(const std::string& name, const google::protobuf::Message* record);
  // Whether `i` was adopted from another PSC's initiative (its lead known now).
  bool AdoptedFromAnother(const Initiative& i) const;

  std::map<std::string, Counters> by_scope_;  // "national" and each collaborative's name
  std::set<std::string> collaboratives_;
  std::map<std::string, Initiative> initiatives_;
  std::map<std::string, std::set<std::string>> adopters_;  // initiative -> those adopted from it
  std::map<std::string, CaseStudy> case_studies_;
  std::map<std::string, JoinRequest> join_requests_;
  std::map<std::string, SharingRequest> sharing_requests_;
};

}  // namespace psc::registry
