#include "testing/audit_test_data.h"

namespace rtcc::testing {

using namespace casework;  // the vocabulary of the casework this data describes

namespace {
using S = RequestState;
using D = Decision;
}  // namespace

void AuditTestData::Set(const std::string& table, const std::string& column,
                        const std::optional<std::string>& value, const std::string& id) {
  auto s =
      store_.db().Prepare("UPDATE " + table + " SET " + column + " = ? WHERE CAST(id AS TEXT) = ?");
  s.Bind(1, value).Bind(2, id);
  s.Run();
}

void AuditTestData::Request(const std::string& name, const Req& r) {
  NewRequest n;
  n.requestor = r.requestor;
  n.subject = "FR request " + name;
  n.incident_number = r.incident_number;
  n.incident_type = r.incident_type;
  n.purpose_text = r.purpose_code ? "suspect" : "";
  n.purpose_code = r.purpose_code;
  n.thread_message_id = "<" + name + "@pd.example>";
  auto record = store_.CreateRequest(n, "rtccd");
  requests_[name] = record.id;
  Set("requests", "created_at", r.created_at, record.id);
  Set("requests", "updated_at", r.created_at, record.id);
  Set("requests", "flags", r.flags, record.id);
  probes_[name] = store_.AddProbe(record.id, std::nullopt, "probe.jpg", "image/jpeg",
                                  "sha256-of-probe-" + name, 1000);
}

void AuditTestData::Walk(const std::string& name, const std::vector<RequestState>& states) {
  for (auto to : states) store_.Transition(id(name), to, "rtccd", "test");
}

void AuditTestData::Decide(const std::string& name, const std::string& request, Decision decision,
                           const std::string& analyst, const std::string& reason,
                           const std::string& at, const std::string& override_reason,
                           DecisionKind kind) {
  auto d = store_.RecordDecision(id(request), decision, analyst, reason, "", kind);
  decisions_[name] = d;
  Set("decisions", "decided_at", at, std::to_string(d));
  Set("decisions", "override_reason", override_reason, std::to_string(d));
}

void AuditTestData::Search(const std::string& name, const std::string& request,
                           const std::string& decision, const std::string& analyst, int candidates,
                           const std::string& at, const std::string& parent) {
  NewSearch n;
  n.request_id = id(request);
  n.decision_id = decisions_.at(decision);
  n.analyst = analyst;
  n.model_id = "test-model";
  n.threshold = 0.6;
  n.gallery_faces = 1000;
  n.probes_searched = 1;
  FaceResult face;
  face.probe_id = probes_.at(request);
  face.face_index = 1;
  face.width = face.height = 100;
  face.detector_score = 0.9;
  for (int i = 1; i <= candidates; ++i)
    face.candidates.push_back({i, "subject-" + std::to_string(i), "img", 0.3 + 0.01 * i});
  n.faces.push_back(face);
  if (!parent.empty()) n.parent_search_id = searches_.at(parent);
  auto s = store_.RecordSearch(n);
  searches_[name] = s;
  Set("searches", "searched_at", at, std::to_string(s));
}

void AuditTestData::Reply(const std::string& name, const std::string& request, int listed,
                          const std::string& at, const std::string& sent_at) {
  auto o = store_.outbox().Queue(id(request), ReplyKind::kResults, "<" + name + "@rtcc.example>",
                                 "requestor@pd.example", "raw message");
  replies_[name] = o;
  Set("outbox", "created_at", at, std::to_string(o));
  Set("outbox", "candidates_listed", std::to_string(listed), std::to_string(o));
  Set("outbox", "state", std::string(ToString(OutboxState::kSent)), std::to_string(o));
  Set("outbox", "sent_at", sent_at, std::to_string(o));
}

// Store::RecordOutcome is changing (outcome kinds, who reported it): the columns are set here.
void AuditTestData::Outcome(const std::string& search, OutcomeKind outcome, const std::string& at,
                            const std::string& by) {
  const std::string id = std::to_string(searches_.at(search));
  Set("searches", "outcome", std::string(ToString(outcome)), id);
  Set("searches", "positive_identification",
      outcome == OutcomeKind::kInconclusive
          ? std::nullopt
          : std::optional<std::string>(outcome == OutcomeKind::kPositive ? "1" : "0"),
      id);
  Set("searches", "outcome_at", at, id);
  Set("searches", "outcome_by", by, id);
}

void AuditTestData::SeedOctober2026() {
  auto tx = store_.Begin();
  const std::vector<S> to_results = {S::kPendingApproval, S::kSearching, S::kResultsSent,
                                     S::kAwaitingOutcome};

  // R0: September, clean; it must not count in October.
  Request("R0", {"det.a@pd.example", "25-900", "theft", "a", "", "2026-09-30T20:00:00Z"});
  Walk("R0", to_results);
  Walk("R0", {S::kClosed});
  Decide("D0", "R0", D::kApproved, "alice", "suspect in a theft", "2026-09-30T21:00:00Z");
  Search("S0", "R0", "D0", "alice", 1, "2026-09-30T22:00:00Z");
  Reply("O0", "R0", 1, "2026-09-30T22:01:00Z", "2026-09-30T22:02:00Z");
  Outcome("S0", OutcomeKind::kPositive, "2026-09-30T23:00:00Z", "det.a@pd.example");

  // R1: clean, closed with a positive identification.
  Request("R1", {"det.a@pd.example", "26-001", "robbery", "a", "", "2026-10-02T09:00:00Z"});
  Walk("R1", to_results);
  Walk("R1", {S::kClosed});
  Decide("D1", "R1", D::kApproved, "alice", "suspect in an armed robbery", "2026-10-02T10:00:00Z");
  Search("S1", "R1", "D1", "alice", 2, "2026-10-02T10:05:00Z");
  Reply("O1", "R1", 2, "2026-10-02T10:06:00Z", "2026-10-02T10:07:00Z");
  Outcome("S1", OutcomeKind::kPositive, "2026-10-05T12:00:00Z", "det.a@pd.example");

  // R2: no incident number; no candidates; re-searched (4.5.3.4), and the reply to the re-search
  // listed 1 of its 3 candidates (violation, 4.5.3.2); the outcome is overdue (21 days).
  Request("R2", {"det.b@pd.example", std::nullopt, "burglary", "b", "", "2026-10-03T08:00:00Z"});
  Walk("R2", to_results);
  Decide("D2", "R2", D::kApproved, "bob", "witness to a burglary", "2026-10-03T09:00:00Z");
  Search("S2", "R2", "D2", "bob", 0, "2026-10-03T09:10:00Z");
  Reply("O2", "R2", 0, "2026-10-03T09:11:00Z", "2026-10-03T09:12:00Z");
  Outcome("S2", OutcomeKind::kNone, "2026-10-09T10:00:00Z", "det.b@pd.example");
  Walk("R2", {S::kSearching, S::kResultsSent, S::kAwaitingOutcome});
  Decide("D2b", "R2", D::kApproved, "alice", "new gallery images", "2026-10-10T08:00:00Z", "",
         DecisionKind::kResearch);
  Search("S3", "R2", "D2b", "alice", 3, "2026-10-10T08:30:00Z", "S2");
  Reply("O3", "R2", 1, "2026-10-10T08:31:00Z", "2026-10-10T08:32:00Z");
  Set("requests", "reminders_sent", "1", id("R2"));
  Set("requests", "last_reminder_at", "2026-10-26T09:00:00Z", id("R2"));

  // R3: flagged (4.5.2), approved with an override reason; inconclusive outcome.
  Request("R3", {"det.c@pd.example", "26-003", "assault", "a", "protest", "2026-10-04T10:00:00Z"});
  Walk("R3", to_results);
  Walk("R3", {S::kClosed});
  Decide("D3", "R3", D::kApproved, "carol", "suspect seen on video", "2026-10-04T11:00:00Z",
         "the organizer assaulted an officer");
  Search("S4", "R3", "D3", "carol", 1, "2026-10-04T11:30:00Z");
  Reply("O4", "R3", 1, "2026-10-04T11:31:00Z", "2026-10-04T11:32:00Z");
  Outcome("S4", OutcomeKind::kInconclusive, "2026-10-20T10:00:00Z", "det.c@pd.example");

  // R4: flagged and denied, with a reason every renderer must escape.
  Request("R4", {"det.d@pd.example", "26-004", "disturbance", "a", "surveillance",
                 "2026-10-05T10:00:00Z"});
  Walk("R4", {S::kPendingApproval, S::kDenied});
  Decide("D4", "R4", D::kDenied, "alice", kHostileText, "2026-10-05T11:00:00Z");
  Set("requests", "closed_at", "2026-10-05T11:00:00Z", id("R4"));

  // R5: withdrawn.
  Request("R5", {"det.a@pd.example", "26-005", "theft", "a", "", "2026-10-07T10:00:00Z"});
  Walk("R5", {S::kPendingApproval, S::kWithdrawn});
  Set("requests", "closed_at", "2026-10-08T10:00:00Z", id("R5"));

  // R6: approved by "dave", who filed it (violation, 4.5); results out 7 days before the report.
  Request("R6", {"dave@pd.example", "26-006", "fraud", "c", "", "2026-10-24T10:00:00Z"});
  Walk("R6", to_results);
  Decide("D6", "R6", D::kApproved, "dave", "victim of a fraud", "2026-10-24T11:00:00Z");
  Search("S5", "R6", "D6", "erin", 1, "2026-10-25T08:00:00Z");
  Reply("O5", "R6", 1, "2026-10-25T08:01:00Z", "2026-10-25T08:02:00Z");

  // R7: no incident type, searched all the same (violation, 4.5.3.3).
  Request("R7", {"det.e@pd.example", "26-007", std::nullopt, "a", "", "2026-10-12T10:00:00Z"});
  Walk("R7", {S::kPendingApproval, S::kSearching, S::kResultsSent, S::kClosed});
  Decide("D7", "R7", D::kApproved, "alice", "suspect", "2026-10-12T11:00:00Z");
  Search("S6", "R7", "D7", "alice", 0, "2026-10-12T11:30:00Z");
  Reply("O6", "R7", 0, "2026-10-12T11:31:00Z", "2026-10-12T11:32:00Z");

  // R8: denied, then searched on the denial (violation, 4.5): the trigger that refuses it is
  // dropped first, as someone with the sqlite3 shell could.
  Request("R8", {"det.b@pd.example", "26-008", "homicide", "a", "", "2026-10-14T10:00:00Z"});
  Walk("R8", {S::kPendingApproval, S::kDenied});
  Decide("D8", "R8", D::kDenied, "bob", "no probe of sufficient quality", "2026-10-14T11:00:00Z");
  store_.db().Exec("DROP TRIGGER searches_require_approval");
  Search("S8", "R8", "D8", "bob", 0, "2026-10-14T12:00:00Z");

  // R9: flagged, approved without an override reason (violation, 4.5.2); search pending.
  Request("R9", {"det.f@pd.example", "26-009", "missing person", "d", "personal use",
                 "2026-10-16T10:00:00Z"});
  Walk("R9", {S::kPendingApproval, S::kSearching});
  Decide("D9", "R9", D::kApproved, "bob", "elderly missing person", "2026-10-16T11:00:00Z");

  // R10: November; must not count in October.
  Request("R10", {"det.a@pd.example", "26-010", "theft", "a", "", "2026-11-01T00:00:00Z"});
  tx.Commit();
}

}  // namespace rtcc::testing
