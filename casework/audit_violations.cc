#include "casework/audit_violations.h"

#include <algorithm>
#include <cctype>

#include "base/strings.h"

namespace rtcc::casework {
namespace {

std::string Normalized(const std::string& s) {
  return base::Lower(base::TrimView(s, " \t\n\v\f\r"));
}

Statement Query(SqliteDb& db, const char* sql, const AuditPeriod& p) {
  auto s = db.Prepare(sql);
  s.Bind(1, p.start).Bind(2, p.end);
  return s;
}

// Policy 4.5: every search is authorized by an approval of that very request, made before it.
// Policy 4.5.3.3: the log names the incident type of every search.
void CheckSearches(SqliteDb& db, const AuditPeriod& p, std::vector<AuditViolation>& out) {
  auto s = Query(db,
                 "SELECT s.id, s.request_id, s.searched_at, s.decision_id, d.id, d.request_id, "
                 "d.decision, d.decided_at, s.incident_type, r.incident_type FROM searches s "
                 "LEFT JOIN decisions d ON d.id = s.decision_id "
                 "LEFT JOIN requests r ON r.id = s.request_id "
                 "WHERE s.searched_at >= ?1 AND s.searched_at < ?2 ORDER BY s.searched_at, s.id",
                 p);
  while (s.Step()) {
    const std::string search = "search #" + std::to_string(s.Int(0));
    const std::string request = s.Text(1), at = s.Text(2);
    const std::string decision = "decision #" + std::to_string(s.Int(3));
    std::string wrong;
    if (s.IsNull(4))
      wrong = "it names " + decision + ", which does not exist: no approval authorizes it";
    else if (s.Text(5) != request)
      wrong = "it is authorized by " + decision + " of another request (" + s.Text(5) + ")";
    else if (s.Text(6) != "approved")
      wrong = "it is authorized by " + decision + ", which is " +
              (s.Text(6) == "denied" ? std::string("a denial") : "'" + s.Text(6) + "'") +
              ", not an approval";
    else if (s.Text(7) > at)
      wrong = "its approval (" + decision + ", " + s.Text(7) + ") was recorded after the search";
    if (!wrong.empty()) out.push_back({"4.5", at, request, search, wrong});
    if (Normalized(s.Text(8)).empty() || Normalized(s.Text(9)).empty())
      out.push_back({"4.5.3.3", at, request, search,
                     "the request has no incident type, so the search log cannot name one"});
  }
}

// Approvals: not by the requestor (4.5), for an authorized purpose (4.5.1), and with an override
// reason when the request was flagged for a prohibited use (4.5.2).
void CheckApprovals(SqliteDb& db, const AuditPeriod& p,
                    const std::map<std::string, std::string>& analyst_emails,
                    std::vector<AuditViolation>& out) {
  auto s = Query(db,
                 "SELECT d.id, d.request_id, d.decided_at, d.analyst, d.override_reason, "
                 "r.requestor, r.flags, r.purpose_code FROM decisions d "
                 "LEFT JOIN requests r ON r.id = d.request_id WHERE d.decision = 'approved' AND "
                 "d.decided_at >= ?1 AND d.decided_at < ?2 ORDER BY d.decided_at, d.id",
                 p);
  while (s.Step()) {
    const std::string decision = "decision #" + std::to_string(s.Int(0));
    const std::string request = s.Text(1), at = s.Text(2), analyst = s.Text(3);
    const std::string requestor = Normalized(s.Text(5));
    auto email = analyst_emails.find(analyst);
    if (!requestor.empty() &&
        (Normalized(analyst) == requestor ||
         (email != analyst_emails.end() && Normalized(email->second) == requestor)))
      out.push_back({"4.5", at, request, decision,
                     "approved by " + analyst + ", who filed the request (" + s.Text(5) + ")"});
    if (Normalized(s.Text(7)).empty())
      out.push_back({"4.5.1", at, request, decision,
                     "approved without a recognised authorized purpose (4.5.1 a-e)"});
    if (!Normalized(s.Text(6)).empty() && Normalized(s.Text(4)).empty())
      out.push_back({"4.5.2", at, request, decision,
                     "approved by " + analyst +
                         " without an override reason although flagged: " + s.Text(6)});
  }
}

// Policy 4.5.3.2: a results reply lists all the candidates of the search it reports (the latest
// search of the request when the reply was queued).
void CheckResultsReplies(SqliteDb& db, const AuditPeriod& p, std::vector<AuditViolation>& out) {
  auto s = Query(db,
                 "SELECT o.id, o.request_id, o.created_at, o.candidates_listed, s.id, "
                 "s.candidate_count FROM outbox o LEFT JOIN searches s ON s.id = "
                 "(SELECT x.id FROM searches x WHERE x.request_id = o.request_id AND "
                 "x.searched_at <= o.created_at ORDER BY x.searched_at DESC, x.id DESC LIMIT 1) "
                 "WHERE o.kind = 'results' AND o.created_at >= ?1 AND o.created_at < ?2 "
                 "ORDER BY o.created_at, o.id",
                 p);
  while (s.Step()) {
    const std::string reply = "reply #" + std::to_string(s.Int(0));
    const std::string request = s.Text(1), at = s.Text(2);
    if (s.IsNull(4)) {
      out.push_back({"4.5.3.2", at, request, reply,
                     "a results reply with no search of the request before it"});
    } else if (s.IsNull(3)) {
      out.push_back({"4.5.3.2", at, request, reply,
                     "the reply does not record how many candidates it listed (search #" +
                         std::to_string(s.Int(4)) + " found " + std::to_string(s.Int(5)) + ")"});
    } else if (s.Int(3) < s.Int(5)) {
      out.push_back({"4.5.3.2", at, request, reply,
                     "listed " + std::to_string(s.Int(3)) + " of the " + std::to_string(s.Int(5)) +
                         " candidates search #" + std::to_string(s.Int(4)) +
                         " found: all results must be provided"});
    }
  }
}

}  // namespace

std::vector<AuditViolation> FindViolations(
    SqliteDb& db, const AuditPeriod& period,
    const std::map<std::string, std::string>& analyst_emails) {
  std::vector<AuditViolation> out;
  CheckSearches(db, period, out);
  CheckApprovals(db, period, analyst_emails, out);
  CheckResultsReplies(db, period, out);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
  return out;
}

}  // namespace rtcc::casework
