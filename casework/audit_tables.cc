#include "casework/audit_tables.h"

#include <cstdio>

namespace rtcc::casework {
namespace {

using Row = std::vector<std::string>;

std::string N(std::int64_t v) { return std::to_string(v); }
std::string YesNo(bool v) { return v ? "yes" : "no"; }
std::string Opt(const std::optional<std::int64_t>& v) { return v ? N(*v) : ""; }

AuditTable Summary(const AuditReport& r) {
  AuditTable t{
      "summary", "Summary", {{"figure", "Figure"}, {"label", "Label"}, {"value", "Value"}}, {}};
  std::int64_t overridden = 0;
  for (const auto& f : r.flagged) overridden += f.override_reason.empty() ? 0 : 1;
  auto add = [&](std::string id, std::string label, std::string value) {
    t.rows.push_back({std::move(id), std::move(label), std::move(value)});
  };
  const auto& x = r.totals;
  add("requests_received", "Requests received", N(x.requests_received));
  add("approvals", "Approvals", N(x.approvals));
  add("denials", "Denials", N(x.denials));
  add("withdrawn", "Requests withdrawn", N(x.withdrawn));
  add("searches", "Searches (re-searches included)", N(x.searches));
  add("searches_with_results", "Searches that yielded results", N(x.searches_with_results));
  add("re_searches", "Re-searches (4.5.3.4)", N(static_cast<std::int64_t>(r.re_searches.size())));
  add("flagged_requests", "Requests flagged for a prohibited use (4.5.2)",
      N(static_cast<std::int64_t>(r.flagged.size())));
  add("flagged_approved_with_override", "Flagged requests approved with an override",
      N(overridden));
  add("requests_without_incident_number", "Requests without an incident number",
      N(static_cast<std::int64_t>(r.without_incident_number.size())));
  add("outcomes_positive", "Outcomes received: positive identification", N(r.outcomes_positive));
  add("outcomes_none", "Outcomes received: no identification", N(r.outcomes_none));
  add("outcomes_inconclusive", "Outcomes received: inconclusive", N(r.outcomes_inconclusive));
  add("positive_identification_rate", "Positive identification rate",
      PositiveIdentificationRateText(r));
  add("overdue_outcomes", "Outcomes overdue (more than " + N(r.outcome_overdue_days) + " days)",
      N(static_cast<std::int64_t>(r.overdue_outcomes.size())));
  add("violations", "Policy violations found", N(static_cast<std::int64_t>(r.violations.size())));
  return t;
}

AuditTable Violations(const AuditReport& r) {
  AuditTable t{"violations",
               "Policy violations (re-checked from the records)",
               {{"clause", "Clause"},
                {"at", "When (UTC)"},
                {"request_id", "Request"},
                {"subject", "Record"},
                {"detail", "What is wrong"}},
               {}};
  for (const auto& v : r.violations)
    t.rows.push_back({v.clause, v.at, v.request_id, v.subject, v.detail});
  return t;
}

AuditTable Trail(const AuditReport& r) {
  AuditTable t{"trail",
               "Audit trail verification",
               {{"verified", "Verified"},
                {"rows", "Rows read", true},
                {"head", "Head hash"},
                {"first_broken_row", "First broken row", true},
                {"problem", "Problem"},
                {"expected_head", "Head recorded earlier"}},
               {}};
  t.rows.push_back({YesNo(r.trail.ok), N(r.trail.rows), r.trail.head, Opt(r.trail.first_broken),
                    r.trail.problem, r.expected_head});
  return t;
}

AuditTable PerAnalyst(const AuditReport& r) {
  AuditTable t{"searches_per_analyst",
               "Searches per analyst",
               {{"analyst", "Analyst"},
                {"searches", "Searches", true},
                {"with_results", "With results", true},
                {"re_searches", "Re-searches", true}},
               {}};
  for (const auto& a : r.per_analyst)
    t.rows.push_back({a.analyst, N(a.searches), N(a.with_results), N(a.re_searches)});
  return t;
}

AuditTable SearchTable(std::string id, std::string title, const std::vector<AuditSearch>& list) {
  AuditTable t{std::move(id),
               std::move(title),
               {{"search_id", "Search #", true},
                {"searched_at", "Searched (UTC)"},
                {"request_id", "Request"},
                {"incident_number", "Incident number"},
                {"incident_type", "Incident type"},
                {"analyst", "Analyst"},
                {"yielded_results", "Results"},
                {"candidates", "Candidates", true},
                {"outcome", "Outcome"},
                {"parent_search_id", "Re-search of #", true},
                {"decision_id", "Decision #", true},
                {"decision_kind", "Decision kind"}},
               {}};
  for (const auto& s : list)
    t.rows.push_back({N(s.id), s.searched_at, s.request_id, s.incident_number, s.incident_type,
                      s.analyst, YesNo(s.yielded_results), N(s.candidate_count), s.outcome,
                      Opt(s.parent_search_id), N(s.decision_id), s.decision_kind});
  return t;
}

AuditTable DecisionTable(std::string id, std::string title,
                         const std::vector<AuditDecision>& list) {
  AuditTable t{std::move(id),
               std::move(title),
               {{"decision_id", "Decision #", true},
                {"decided_at", "Decided (UTC)"},
                {"request_id", "Request"},
                {"decision", "Decision"},
                {"kind", "Kind"},
                {"analyst", "Analyst"},
                {"reason", "Reason"},
                {"override_reason", "Override reason (4.5.2)"},
                {"flags", "Request flags (4.5.2)"}},
               {}};
  for (const auto& d : list)
    t.rows.push_back({N(d.id), d.decided_at, d.request_id, d.decision, d.kind, d.analyst, d.reason,
                      d.override_reason, d.flags});
  return t;
}

AuditTable Flagged(const AuditReport& r) {
  AuditTable t{"flagged_requests",
               "Requests flagged for a prohibited use (4.5.2)",
               {{"request_id", "Request"},
                {"received_at", "Received (UTC)"},
                {"requestor", "Requestor"},
                {"flags", "Flags"},
                {"state", "State"},
                {"approved", "Approved"},
                {"override_by", "Override by"},
                {"override_reason", "Override reason"}},
               {}};
  for (const auto& f : r.flagged)
    t.rows.push_back({f.request_id, f.created_at, f.requestor, f.flags, f.state, YesNo(f.approved),
                      f.override_by, f.override_reason});
  return t;
}

AuditTable NoIncident(const AuditReport& r) {
  AuditTable t{"requests_without_incident_number",
               "Requests without an incident number (4.5.3.1: if applicable)",
               {{"request_id", "Request"},
                {"received_at", "Received (UTC)"},
                {"requestor", "Requestor"},
                {"incident_type", "Incident type"},
                {"purpose_code", "Purpose (4.5.1)"},
                {"state", "State"}},
               {}};
  for (const auto& q : r.without_incident_number)
    t.rows.push_back(
        {q.request_id, q.created_at, q.requestor, q.incident_type, q.purpose_code, q.state});
  return t;
}

AuditTable Overdue(const AuditReport& r) {
  AuditTable t{"overdue_outcomes",
               "Outcomes overdue as of " + r.generated_at + " (4.5.3.3)",
               {{"request_id", "Request"},
                {"requestor", "Requestor"},
                {"results_sent_at", "Results sent (UTC)"},
                {"days_waiting", "Days waiting", true},
                {"reminders_sent", "Reminders sent", true},
                {"last_reminder_at", "Last reminder (UTC)"}},
               {}};
  for (const auto& o : r.overdue_outcomes)
    t.rows.push_back({o.request_id, o.requestor, o.results_sent_at, N(o.days_waiting),
                      N(o.reminders_sent), o.last_reminder_at});
  return t;
}

AuditTable Outcomes(const AuditReport& r) {
  AuditTable t{"outcomes_received",
               "Outcomes received (4.5.3.3)",
               {{"search_id", "Search #", true},
                {"request_id", "Request"},
                {"searched_at", "Searched (UTC)"},
                {"outcome", "Outcome"},
                {"outcome_at", "Reported (UTC)"},
                {"reported_by", "Reported by"}},
               {}};
  for (const auto& o : r.outcomes)
    t.rows.push_back(
        {N(o.search_id), o.request_id, o.searched_at, o.outcome, o.outcome_at, o.outcome_by});
  return t;
}

}  // namespace

std::vector<AuditTable> AuditTables(const AuditReport& r) {
  return {
      Summary(r),
      Violations(r),
      Trail(r),
      PerAnalyst(r),
      SearchTable("searches", "Search log (4.5.3.3)", r.searches),
      DecisionTable("decisions", "Approvals and denials (4.5)", r.decisions),
      Flagged(r),
      NoIncident(r),
      SearchTable("re_searches", "Re-searches (4.5.3.4)", r.re_searches),
      DecisionTable("re_search_decisions", "Re-search decisions (4.5.3.4)", r.re_search_decisions),
      Overdue(r),
      Outcomes(r)};
}

std::string AuditMonthText(const AuditReport& r) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", r.year, r.month);
  return buf;
}

}  // namespace rtcc::casework
