// Issue 5's rules on top of the workflow: prohibited-use flags and overrides (4.5.2), no
// self-approval (4.5), re-searches (4.5.3.4), outcomes (4.5.3.3), withdrawal, reminders,
// overdue outcomes and retention.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "casework/audit_trail.h"
#include "casework/outcomes.h"
#include "casework/retention.h"
#include "casework/spool.h"
#include "casework/workflow.h"
#include "testing/temp_store.h"

namespace rtcc::casework {
namespace {

class Compliance : public testing::TempStoreTest {
 protected:
  IntakeResult File(const std::string& purpose, const std::string& notes = "",
                    const std::string& from = "det@pd.test") {
    static int n = 0;
    std::string mid = "m" + std::to_string(++n) + "@pd.test";
    IncomingMail m;
    m.message_row = store_->messages().Record({"INBOX", 1, n, "sha-" + mid, mid, 10});
    m.from_address = from;
    m.subject = "FR request";
    m.message_id = mid;
    m.incident_number = "2026-" + std::to_string(n);
    m.incident_type = "Robbery";
    m.purpose = purpose;
    m.notes = notes;
    m.images = {{"probe.jpg", "image/jpeg", "sha-probe-" + std::to_string(n), 100}};
    auto txn = store_->Begin();
    auto r = Intake(*store_, m, senders_);
    txn.Commit();
    return r;
  }
  IntakeResult Reply(const std::string& request_id, IncomingMail m) {
    static int n = 1000;
    m.message_id = "reply" + std::to_string(++n) + "@pd.test";
    m.message_row =
        store_->messages().Record({"INBOX", 1, n, "sha-" + m.message_id, m.message_id, 9});
    m.from_address = store_->GetRequest(request_id).requestor;
    m.verified_request_id = request_id;
    auto txn = store_->Begin();
    auto r = Intake(*store_, m, senders_);
    txn.Commit();
    return r;
  }
  // Approves, "searches" with `candidates` candidates, and marks the results reply sent.
  std::int64_t Search(const std::string& id, int candidates) {
    auto txn = store_->Begin();
    auto auth = AuthorizeSearch(*store_, id);
    NewSearch s;
    s.model_id = "m";
    s.threshold = 0.6;
    s.probes_searched = 1;
    FaceResult f;
    f.probe_id = auth.probes[0].id;
    f.face_index = 1;
    for (int i = 1; i <= candidates; ++i)
      f.candidates.push_back({i, "subject" + std::to_string(i), "x.jpg", 0.3 + 0.01 * i});
    s.faces = {f};
    std::int64_t search_id = RecordSearchResults(*store_, auth, s);
    auto outbox = store_->outbox().Queue(
        id, ReplyKind::kResults, "r" + std::to_string(search_id) + "@rtcc", "det@pd.test", "raw");
    txn.Commit();
    for (const auto& m : store_->outbox().Pending())
      if (m.id == outbox) {
        auto t = store_->Begin();
        MarkReplySent(*store_, m);
        t.Commit();
      }
    return search_id;
  }
  std::string Approved(const std::string& purpose = "identify a suspect") {
    std::string id = *File(purpose).request_id;
    auto txn = store_->Begin();
    Approve(*store_, id, Operator("analyst", "analyst@pd.test"), "armed robbery suspect");
    txn.Commit();
    return id;
  }
  void Age(const std::string& id, const std::string& column, const std::string& when) {
    store_->db().Exec("UPDATE requests SET " + column + " = '" + when + "' WHERE id = '" + id +
                      "'");
  }

  SenderPolicy senders_{{"pd.test"}, {}};
};

TEST_F(Compliance, AFlaggedRequestIsApprovedOnlyWithAnOverrideAndTheAuditSeesIt) {
  auto r = File("identify a suspect", "Subject was at the political rally; monitor him live");
  RequestRecord req = store_->GetRequest(*r.request_id);
  EXPECT_EQ(req.state, RequestState::kPendingApproval) << "flags inform, they do not block";
  ASSERT_GE(req.flags.size(), 2u);
  EXPECT_NE(req.flags[0].find("4.5.2("), std::string::npos);
  auto txn = store_->Begin();
  try {
    Approve(*store_, req.id, "analyst", "looks fine");
    FAIL() << "approving a flagged request without an override must be refused";
  } catch (const WorkflowError& e) {
    EXPECT_NE(std::string(e.what()).find("--override"), std::string::npos) << e.what();
  }
  auto d = Approve(*store_, req.id, "analyst", "robbery suspect",
                   "he is a robbery suspect; the rally is where the robbery happened");
  EXPECT_EQ(d.override_reason, "he is a robbery suspect; the rally is where the robbery happened");
  txn.Commit();
  bool recorded = false;
  for (const auto& e : store_->Events(req.id)) recorded |= e.action == "flag overridden";
  EXPECT_TRUE(recorded);
  // A plain request is not flagged and needs no override.
  EXPECT_TRUE(store_->GetRequest(*File("identify a witness").request_id).flags.empty());
}

TEST_F(Compliance, NobodyApprovesARequestTheyFiled) {
  auto r = File("identify a suspect", "", "Analyst@PD.test");
  auto txn = store_->Begin();
  EXPECT_THROW(Approve(*store_, *r.request_id, Operator("analyst", "analyst@pd.test"), "ok"),
               WorkflowError);
  EXPECT_NO_THROW(Approve(*store_, *r.request_id, Operator("second", "second@pd.test"), "ok"));
}

TEST_F(Compliance, AReSearchIsItsOwnLoggedRowLinkedToTheFirst) {
  std::string id = Approved();
  std::int64_t first = Search(id, 2);
  {
    auto txn = store_->Begin();
    EXPECT_THROW(ApproveResearch(*store_, id, "analyst", ""), WorkflowError) << "needs a reason";
    auto d = ApproveResearch(*store_, id, "second", "new gallery enrolments since");
    EXPECT_EQ(d.kind, DecisionKind::kResearch);
    txn.Commit();
  }
  EXPECT_EQ(store_->GetRequest(id).state, RequestState::kSearching);
  std::int64_t second = Search(id, 1);
  auto log = store_->Searches(id);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_FALSE(log[0].parent_search_id.has_value());
  EXPECT_EQ(log[1].parent_search_id, first);
  EXPECT_EQ(log[1].id, second);
  EXPECT_EQ(log[1].analyst, "second");
  // After a positive identification there is nothing left to search for (4.5.3.4).
  {
    auto txn = store_->Begin();
    RecordOutcome(*store_, id, {OutcomeKind::kPositive, 1, std::nullopt}, "phone", "analyst");
    txn.Commit();
  }
  auto txn = store_->Begin();
  EXPECT_THROW(ApproveResearch(*store_, id, "analyst", "again"), WorkflowError);
}

TEST_F(Compliance, AReSearchAfterNoIdentificationReopensAClosedRequest) {
  std::string id = Approved();
  Search(id, 0);
  auto txn = store_->Begin();
  RecordOutcome(*store_, id, {OutcomeKind::kNone, std::nullopt, std::nullopt}, "none", "det");
  EXPECT_TRUE(store_->GetRequest(id).closed_at.has_value());
  ApproveResearch(*store_, id, "analyst", "better probe supplied");
  EXPECT_EQ(store_->GetRequest(id).state, RequestState::kSearching);
  EXPECT_FALSE(store_->GetRequest(id).closed_at.has_value());
}

TEST_F(Compliance, OutcomesByMailKeepTheRankAndInconclusiveIsRecorded) {
  std::string id = Approved();
  Search(id, 3);
  IncomingMail m;
  m.subject = "Re: results";
  m.outcome = "Positive identification - candidate 2";
  EXPECT_EQ(Reply(id, m).reply, ReplyKind::kOutcomeRecorded);
  auto s = store_->Searches(id).back();
  EXPECT_EQ(s.outcome, OutcomeKind::kPositive);
  EXPECT_EQ(s.outcome_rank, 2);
  EXPECT_EQ(s.positive_identification, true);
  EXPECT_EQ(store_->GetRequest(id).state, RequestState::kClosed);

  std::string other = Approved();
  Search(other, 1);
  auto txn = store_->Begin();
  RecordOutcome(*store_, other, *ParseOutcomeReport("inconclusive"), "by phone", "analyst");
  txn.Commit();
  auto t = store_->Searches(other).back();
  EXPECT_EQ(t.outcome, OutcomeKind::kInconclusive);
  EXPECT_FALSE(t.positive_identification.has_value()) << "not a yes, not a no";
  EXPECT_EQ(t.outcome_by, "analyst");
  auto again = store_->Begin();
  EXPECT_THROW(RecordOutcome(*store_, other, {OutcomeKind::kNone, {}, {}}, "x", "analyst"),
               WorkflowError)
      << "a CLOSED request has its outcome";
}

TEST_F(Compliance, TheRequestorMayWithdrawUntilTheDecision) {
  auto pending = File("identify a suspect");
  IncomingMail m;
  m.subject = "Withdraw";
  m.withdraw = true;
  auto r = Reply(*pending.request_id, m);
  EXPECT_EQ(r.reply, ReplyKind::kWithdrawn);
  auto req = store_->GetRequest(*pending.request_id);
  EXPECT_EQ(req.state, RequestState::kWithdrawn);
  EXPECT_TRUE(req.closed_at.has_value());

  std::string searched = Approved();
  Search(searched, 1);
  auto late = Reply(searched, m);
  EXPECT_EQ(late.reply, ReplyKind::kCannotWithdraw);
  EXPECT_EQ(store_->GetRequest(searched).state, RequestState::kAwaitingOutcome);
}

TEST_F(Compliance, RemindersComeAfterTheConfiguredDaysUpToTheMaximum) {
  std::string id = Approved();
  Search(id, 1);
  EXPECT_TRUE(RemindersDue(*store_, 14, 2).empty()) << "the results went out just now";
  EXPECT_TRUE(OverdueOutcomes(*store_, 14).empty());
  Age(id, "updated_at", FormatUtc(Now() - 15 * 86400));
  ASSERT_EQ(RemindersDue(*store_, 14, 2).size(), 1u);
  auto overdue = OverdueOutcomes(*store_, 14);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].days_waiting, 15);
  store_->MarkReminderSent(id);
  EXPECT_TRUE(RemindersDue(*store_, 14, 2).empty()) << "reminded just now";
  Age(id, "last_reminder_at", FormatUtc(Now() - 14 * 86400));
  ASSERT_EQ(RemindersDue(*store_, 14, 2).size(), 1u);
  store_->MarkReminderSent(id);
  Age(id, "last_reminder_at", FormatUtc(Now() - 30 * 86400));
  EXPECT_TRUE(RemindersDue(*store_, 14, 2).empty()) << "at most 2 reminders";
  EXPECT_EQ(OverdueOutcomes(*store_, 14).size(), 1u) << "still overdue for the supervisor";
}

TEST_F(Compliance, RetentionRemovesSpoolFilesButKeepsTheLogAndRecordsThePurge) {
  Spool spool(dir_ / "spool");
  std::string id = Approved();
  // Give the request real spool files: its probe and its message.
  std::string probe_sha = spool.Put("probes", "probe bytes");
  std::string message_sha = spool.Put("messages", "raw message");
  store_->db().Exec("UPDATE probes SET sha256 = '" + probe_sha + "' WHERE request_id = '" + id +
                    "'");
  store_->db().Exec("UPDATE messages SET sha256 = '" + message_sha + "', request_id = '" + id +
                    "'");
  Search(id, 1);
  {
    auto txn = store_->Begin();
    RecordOutcome(*store_, id, {OutcomeKind::kNone, {}, {}}, "none", "det");
    txn.Commit();
  }
  EXPECT_TRUE(PurgeExpired(*store_, spool, 30, "sergeant", false).requests.empty())
      << "closed just now";
  Age(id, "closed_at", FormatUtc(Now() - 31 * 86400));
  EXPECT_EQ(PurgeExpired(*store_, spool, 30, "sergeant", true).requests.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(spool.PathOf("probes", probe_sha))) << "dry run";
  auto report = PurgeExpired(*store_, spool, 30, "sergeant", false);
  ASSERT_EQ(report.requests.size(), 1u);
  EXPECT_EQ(report.files_removed, 2);
  EXPECT_FALSE(std::filesystem::exists(spool.PathOf("probes", probe_sha)));
  EXPECT_FALSE(std::filesystem::exists(spool.PathOf("messages", message_sha)));
  EXPECT_TRUE(store_->GetRequest(id).purged_at.has_value());
  EXPECT_EQ(store_->SearchLog().size(), 1u) << "the search log is kept";
  bool trail = false;
  for (const auto& e : store_->Events(id)) trail |= e.action == "purged" && e.actor == "sergeant";
  EXPECT_TRUE(trail);
  EXPECT_TRUE(PurgeExpired(*store_, spool, 30, "sergeant", false).requests.empty()) << "once";
  EXPECT_TRUE(VerifyTrail(store_->db()).ok);
  EXPECT_TRUE(PurgeExpired(*store_, spool, 0, "x", false).requests.empty()) << "0: keep forever";
}

}  // namespace
}  // namespace rtcc::casework
