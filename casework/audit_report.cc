#include "casework/audit_report.h"

#include <cstdio>
#include <stdexcept>

#include "casework/audit_violations.h"

namespace rtcc::casework {
namespace {

// The outcome of a search: the schema 3 column, or the older yes/no one for rows written before.
std::string OutcomeColumn() {
  return "COALESCE(s.outcome, CASE s.positive_identification WHEN 1 THEN " +
         SqlWord(OutcomeKind::kPositive) + " WHEN 0 THEN " + SqlWord(OutcomeKind::kNone) + " END)";
}

std::string MonthStart(int year, int month) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-01T00:00:00Z", year, month);
  return buf;
}

// Runs `sql`, whose ?1 and ?2 are the period's bounds, and hands each row to `row`.
template <typename Fn>
void ForEach(SqliteDb& db, const std::string& sql, const AuditPeriod& p, Fn row) {
  auto s = db.Prepare(sql);
  s.Bind(1, p.start).Bind(2, p.end);
  while (s.Step()) row(s);
}

std::int64_t Count(SqliteDb& db, const std::string& sql, const AuditPeriod& p) {
  std::int64_t n = 0;
  ForEach(db, sql, p, [&](const Statement& s) { n = s.Int(0); });
  return n;
}

AuditTotals Totals(SqliteDb& db, const AuditPeriod& p) {
  AuditTotals t;
  t.requests_received =
      Count(db, "SELECT count(*) FROM requests WHERE created_at >= ?1 AND created_at < ?2", p);
  t.approvals =
      Count(db,
            "SELECT count(*) FROM decisions WHERE decision = " + SqlWord(Decision::kApproved) +
                " AND decided_at >= ?1 AND decided_at < ?2",
            p);
  t.denials =
      Count(db,
            "SELECT count(*) FROM decisions WHERE decision = " + SqlWord(Decision::kDenied) +
                " AND decided_at >= ?1 AND decided_at < ?2",
            p);
  t.withdrawn =
      Count(db,
            "SELECT count(*) FROM requests WHERE state = " + SqlWord(RequestState::kWithdrawn) +
                " AND COALESCE(closed_at, updated_at) >= ?1 AND "
                "COALESCE(closed_at, updated_at) < ?2",
            p);
  t.searches =
      Count(db, "SELECT count(*) FROM searches WHERE searched_at >= ?1 AND searched_at < ?2", p);
  t.searches_with_results = Count(db,
                                  "SELECT count(*) FROM searches WHERE yielded_results = 1 AND "
                                  "searched_at >= ?1 AND searched_at < ?2",
                                  p);
  return t;
}

std::vector<AnalystSearches> PerAnalyst(SqliteDb& db, const AuditPeriod& p) {
  std::vector<AnalystSearches> out;
  ForEach(db,
          "SELECT analyst, count(*), COALESCE(sum(yielded_results), 0), "
          "COALESCE(sum(parent_search_id IS NOT NULL), 0) FROM searches "
          "WHERE searched_at >= ?1 AND searched_at < ?2 GROUP BY analyst ORDER BY analyst",
          p, [&](const Statement& s) {
            out.push_back({s.Text(0), s.Int(1), s.Int(2), s.Int(3)});
          });
  return out;
}

std::vector<AuditSearch> Searches(SqliteDb& db, const AuditPeriod& p) {
  std::vector<AuditSearch> out;
  ForEach(db,
          std::string("SELECT s.id, s.searched_at, s.request_id, s.incident_number, "
                      "s.incident_type, s.analyst, s.yielded_results, s.candidate_count, ") +
              OutcomeColumn() +
              ", s.parent_search_id, s.decision_id, d.kind FROM searches s "
              "LEFT JOIN decisions d ON d.id = s.decision_id "
              "WHERE s.searched_at >= ?1 AND s.searched_at < ?2 ORDER BY s.searched_at, s.id",
          p, [&](const Statement& s) {
            AuditSearch a;
            a.id = s.Int(0);
            a.searched_at = s.Text(1);
            a.request_id = s.Text(2);
            a.incident_number = s.Text(3);
            a.incident_type = s.Text(4);
            a.analyst = s.Text(5);
            a.yielded_results = s.Int(6) != 0;
            a.candidate_count = s.Int(7);
            a.outcome = s.OptParsed(8, "searches.outcome", ParseOutcomeKind);
            a.parent_search_id = s.OptInt(9);
            a.decision_id = s.Int(10);
            a.decision_kind = s.OptParsed(11, "decisions.kind", ParseDecisionKind);
            out.push_back(std::move(a));
          });
  return out;
}

std::vector<AuditDecision> Decisions(SqliteDb& db, const AuditPeriod& p) {
  std::vector<AuditDecision> out;
  ForEach(db,
          "SELECT d.id, d.request_id, d.decided_at, d.decision, d.kind, d.analyst, d.reason, "
          "d.override_reason, r.requestor, r.flags FROM decisions d "
          "LEFT JOIN requests r ON r.id = d.request_id "
          "WHERE d.decided_at >= ?1 AND d.decided_at < ?2 ORDER BY d.decided_at, d.id",
          p, [&](const Statement& s) {
            out.push_back({s.Int(0), s.Text(1), s.Text(2),
                           s.Parsed(3, "decisions.decision", ParseDecision),
                           s.Parsed(4, "decisions.kind", ParseDecisionKind), s.Text(5), s.Text(6),
                           s.Text(7), s.Text(8), s.Text(9)});
          });
  return out;
}

// Flagged requests (policy 4.5.2) received or decided in the month.
std::vector<AuditFlaggedRequest> Flagged(SqliteDb& db, const AuditPeriod& p) {
  std::vector<AuditFlaggedRequest> out;
  ForEach(db,
          "SELECT r.id, r.created_at, r.requestor, r.flags, r.state, "
          "EXISTS (SELECT 1 FROM decisions d WHERE d.request_id = r.id AND d.decision = " +
              SqlWord(Decision::kApproved) +
              "), o.analyst, o.override_reason FROM requests r LEFT JOIN decisions o ON o.id = "
              "(SELECT d.id FROM decisions d WHERE d.request_id = r.id AND d.decision = " +
              SqlWord(Decision::kApproved) +
              " AND trim(d.override_reason) <> '' ORDER BY d.id LIMIT 1) "
              "WHERE trim(r.flags) <> '' AND ((r.created_at >= ?1 AND r.created_at < ?2) OR EXISTS "
              "(SELECT 1 FROM decisions d WHERE d.request_id = r.id AND d.decided_at >= ?1 AND "
              "d.decided_at < ?2)) ORDER BY r.created_at, r.id",
          p, [&](const Statement& s) {
            out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3),
                           s.Parsed(4, "requests.state", ParseRequestState), s.Int(5) != 0,
                           s.Text(6), s.Text(7)});
          });
  return out;
}

std::vector<AuditRequest> WithoutIncidentNumber(SqliteDb& db, const AuditPeriod& p) {
  std::vector<AuditRequest> out;
  ForEach(db,
          "SELECT id, created_at, requestor, incident_type, purpose_code, state FROM requests "
          "WHERE created_at >= ?1 AND created_at < ?2 AND trim(COALESCE(incident_number, '')) = ''"
          " ORDER BY created_at, id",
          p, [&](const Statement& s) {
            out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4),
                           s.Parsed(5, "requests.state", ParseRequestState)});
          });
  return out;
}

// Policy 4.5.3.3: requests still waiting for their outcome more than `days` days after the last
// results reply went out (updated_at, when they entered AWAITING_OUTCOME, if none is recorded).
std::vector<AuditOverdue> Overdue(SqliteDb& db, std::time_t as_of, int days) {
  std::vector<AuditOverdue> out;
  auto s = db.Prepare(
      "SELECT r.id, r.requestor, COALESCE((SELECT max(o.sent_at) FROM outbox o WHERE "
      "o.request_id = r.id AND o.kind = " +
      SqlWord(ReplyKind::kResults) +
      "), r.updated_at) AS since, r.reminders_sent, r.last_reminder_at FROM requests r WHERE "
      "r.state = " +
      SqlWord(RequestState::kAwaitingOutcome) + " ORDER BY since, r.id");
  while (s.Step()) {
    std::int64_t waited = static_cast<std::int64_t>(as_of) - ParseUtc(s.Text(2));
    if (waited <= std::int64_t{days} * 86400) continue;
    out.push_back({s.Text(0), s.Text(1), s.Text(2), waited / 86400, s.Int(3), s.Text(4)});
  }
  return out;
}

std::vector<AuditOutcome> Outcomes(SqliteDb& db, const AuditPeriod& p) {
  std::vector<AuditOutcome> out;
  ForEach(
      db,
      std::string("SELECT s.id, s.request_id, s.searched_at, ") + OutcomeColumn() +
          ", s.outcome_at, s.outcome_by FROM searches s WHERE s.outcome_at >= ?1 AND "
          "s.outcome_at < ?2 AND " +
          OutcomeColumn() + " IS NOT NULL ORDER BY s.outcome_at, s.id",
      p, [&](const Statement& s) {
        out.push_back({s.Int(0), s.Text(1), s.Text(2),
                       s.Parsed(3, "searches.outcome", ParseOutcomeKind), s.Text(4), s.Text(5)});
      });
  return out;
}

}  // namespace

std::optional<std::pair<int, int>> ParseAuditMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int year = 0, month = 0;
  for (std::size_t i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    (i < 4 ? year : month) = (i < 4 ? year : month) * 10 + (text[i] - '0');
  }
  if (year < 1970 || month < 1 || month > 12) return std::nullopt;
  return std::pair{year, month};
}

AuditReport BuildAuditReport(Store& store, int year, int month, const AuditOptions& options) {
  if (month < 1 || month > 12)
    throw std::invalid_argument("audit month must be 1..12, not " + std::to_string(month));
  if (year < 1970 || year > 9999)
    throw std::invalid_argument("audit year must be 1970..9999, not " + std::to_string(year));
  if (options.outcome_overdue_days < 0)
    throw std::invalid_argument("outcome_overdue_days must not be negative");
  AuditReport r;
  r.year = year;
  r.month = month;
  r.period_start = MonthStart(year, month);
  r.period_end = month == 12 ? MonthStart(year + 1, 1) : MonthStart(year, month + 1);
  const std::time_t as_of = options.as_of.value_or(Now());
  r.generated_at = FormatUtc(as_of);
  r.outcome_overdue_days = options.outcome_overdue_days;
  r.expected_head = options.expected_head;

  SqliteDb& db = store.db();
  // One read transaction (a savepoint: also inside a caller's transaction), so that every figure
  // comes from the same state of the database.
  Savepoint snapshot(db);
  const AuditPeriod p{r.period_start, r.period_end};
  r.totals = Totals(db, p);
  r.per_analyst = PerAnalyst(db, p);
  r.searches = Searches(db, p);
  r.decisions = Decisions(db, p);
  r.flagged = Flagged(db, p);
  r.without_incident_number = WithoutIncidentNumber(db, p);
  for (const auto& s : r.searches)
    if (s.parent_search_id) r.re_searches.push_back(s);
  for (const auto& d : r.decisions)
    if (d.kind == DecisionKind::kResearch) r.re_search_decisions.push_back(d);
  r.overdue_outcomes = Overdue(db, as_of, options.outcome_overdue_days);
  r.outcomes = Outcomes(db, p);
  for (const auto& o : r.outcomes) {
    switch (o.outcome) {
      case OutcomeKind::kPositive:
        ++r.outcomes_positive;
        break;
      case OutcomeKind::kNone:
        ++r.outcomes_none;
        break;
      case OutcomeKind::kInconclusive:
        ++r.outcomes_inconclusive;
        break;
    }
  }
  r.violations = FindViolations(db, p, options.analyst_emails);
  r.trail = VerifyTrail(db, options.expected_head);
  snapshot.Release();
  return r;
}

std::optional<double> PositiveIdentificationRate(const AuditReport& r) {
  std::int64_t known = r.outcomes_positive + r.outcomes_none + r.outcomes_inconclusive;
  if (known == 0) return std::nullopt;
  return static_cast<double>(r.outcomes_positive) / static_cast<double>(known);
}

std::string PositiveIdentificationRateText(const AuditReport& r) {
  auto rate = PositiveIdentificationRate(r);
  if (!rate) return "n/a";
  char buf[64];
  std::snprintf(
      buf, sizeof buf, "%.1f%% (%lld of %lld)", *rate * 100,
      static_cast<long long>(r.outcomes_positive),
      static_cast<long long>(r.outcomes_positive + r.outcomes_none + r.outcomes_inconclusive));
  return buf;
}

}  // namespace rtcc::casework
