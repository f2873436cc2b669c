// The monthly audit of policy 4.5.5: what a supervisor reads (and a machine checks) to see that
// the RTCC members complied with the policy in one calendar month (UTC). Every figure is computed
// from the database as it is; the policy violations are found by re-checking the rows themselves,
// never by trusting that the triggers and the workflow refused them.
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "casework/audit_trail.h"
#include "casework/store.h"

namespace rtcc::casework {

struct AuditOptions {
  // Policy 4.5.3.3: an outcome is overdue when the results went out more than this many days
  // before `as_of`.
  int outcome_overdue_days = 14;
  std::optional<std::time_t> as_of;  // the report's "as of" time; Now() when not given
  std::string expected_head;         // a trail head recorded earlier (e.g. last month's report)
  // Roster name -> e-mail address, to recognise an analyst approving their own request (4.5).
  std::map<std::string, std::string> analyst_emails;
};

struct AuditTotals {
  std::int64_t requests_received = 0;      // created in the month
  std::int64_t approvals = 0;              // approval decisions made in the month (all kinds)
  std::int64_t denials = 0;                // denial decisions made in the month (all kinds)
  std::int64_t withdrawn = 0;              // requests withdrawn in the month
  std::int64_t searches = 0;               // searches run in the month (re-searches included)
  std::int64_t searches_with_results = 0;  // of those, searches that yielded candidates
};

struct AnalystSearches {
  std::string analyst;
  std::int64_t searches = 0;
  std::int64_t with_results = 0;
  std::int64_t re_searches = 0;  // policy 4.5.3.4
};

// A row of the search log (policy 4.5.3.3) of the month.
struct AuditSearch {
  std::int64_t id = 0;
  std::string searched_at;
  std::string request_id;
  std::string incident_number;  // "" when none
  std::string incident_type;
  std::string analyst;
  bool yielded_results = false;
  std::int64_t candidate_count = 0;
  std::optional<OutcomeKind> outcome;  // std::nullopt while unknown
  std::optional<std::int64_t> parent_search_id;
  std::int64_t decision_id = 0;
  // Of the decision named by the search (std::nullopt when it does not exist).
  std::optional<DecisionKind> decision_kind;
};

struct AuditDecision {
  std::int64_t id = 0;
  std::string request_id;
  std::string decided_at;
  Decision decision = Decision::kApproved;
  DecisionKind kind = DecisionKind::kInitial;
  std::string analyst;
  std::string reason;
  std::string override_reason;
  std::string requestor;
  std::string flags;  // the request's prohibited-use flags (policy 4.5.2), "; "-joined
};

struct AuditFlaggedRequest {
  std::string request_id;
  std::string created_at;
  std::string requestor;
  std::string flags;
  RequestState state = RequestState::kReceived;
  bool approved = false;
  std::string override_by;  // the analyst who approved it with an override reason
  std::string override_reason;
};

struct AuditRequest {
  std::string request_id;
  std::string created_at;
  std::string requestor;
  std::string incident_type;
  std::string purpose_code;
  RequestState state = RequestState::kReceived;
};

struct AuditOverdue {
  std::string request_id;
  std::string requestor;
  std::string results_sent_at;
  std::int64_t days_waiting = 0;
  std::int64_t reminders_sent = 0;
  std::string last_reminder_at;
};

struct AuditOutcome {
  std::int64_t search_id = 0;
  std::string request_id;
  std::string searched_at;
  OutcomeKind outcome = OutcomeKind::kInconclusive;
  std::string outcome_at;
  std::string outcome_by;
};

struct AuditViolation {
  std::string clause;  // policy clause broken, e.g. "4.5.3.2"
  std::string at;      // when it happened
  std::string request_id;
  std::string subject;  // "search #12", "decision #4", "reply #9"
  std::string detail;   // what is wrong, in a sentence
};

struct AuditReport {
  int year = 0;
  int month = 0;
  std::string period_start;  // "2026-11-01T00:00:00Z", inclusive
  std::string period_end;    // "2026-12-01T00:00:00Z", exclusive
  std::string generated_at;  // the "as of" time
  int outcome_overdue_days = 0;

  AuditTotals totals;
  std::vector<AnalystSearches> per_analyst;
  std::vector<AuditSearch> searches;
  std::vector<AuditDecision> decisions;
  std::vector<AuditFlaggedRequest> flagged;
  std::vector<AuditRequest> without_incident_number;
  std::vector<AuditSearch> re_searches;            // searches with a parent (4.5.3.4)
  std::vector<AuditDecision> re_search_decisions;  // decisions of kind kResearch
  std::vector<AuditOverdue> overdue_outcomes;      // as of generated_at, whatever the month
  std::vector<AuditOutcome> outcomes;              // received in the month
  std::int64_t outcomes_positive = 0;
  std::int64_t outcomes_none = 0;
  std::int64_t outcomes_inconclusive = 0;
  std::vector<AuditViolation> violations;
  TrailVerification trail;
  std::string expected_head;
};

// "2026-11" -> {2026, 11}; std::nullopt unless exactly YYYY-MM with a month 01..12 and a year
// 1970..9999.
std::optional<std::pair<int, int>> ParseAuditMonth(std::string_view text);

// Builds the audit of `month` of `year` (UTC) from `store`. Throws std::invalid_argument for a
// month outside 1..12 or a year outside 1970..9999, and SqliteError when the database cannot be
// read. Reads only.
AuditReport BuildAuditReport(Store& store, int year, int month, const AuditOptions& options);

// Positive identifications / outcomes received in the month (positive, none or inconclusive):
// the rate as a fraction, std::nullopt when no outcome was received.
std::optional<double> PositiveIdentificationRate(const AuditReport& report);
// The same in words: "33.3% (1 of 3)", or "n/a" when no outcome was received.
std::string PositiveIdentificationRateText(const AuditReport& report);

}  // namespace rtcc::casework
