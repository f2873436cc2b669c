#include "casework/workflow.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "casework/outcomes.h"
#include "testing/temp_store.h"

namespace rtcc::casework {
namespace {

class WorkflowTest : public testing::TempStoreTest {
 protected:
  IncomingMail Mail(std::string message_id) {
    IncomingMail m;
    m.message_row = Record(message_id);
    m.from_address = "det@pd.test";
    m.from_name = "Det. Smith";
    m.subject = "FR request";
    m.message_id = message_id;
    return m;
  }
  std::int64_t Record(const std::string& message_id) {
    static int uid = 0;
    return store_->messages().Record({"INBOX", 1, ++uid, "sha-" + message_id, message_id, 10});
  }
  IntakeResult Run(const IncomingMail& m) {
    auto txn = store_->Begin();
    auto r = Intake(*store_, m, senders_);
    txn.Commit();
    return r;
  }
  IncomingMail CompleteRequest(std::string message_id = "m1@pd.test") {
    IncomingMail m = Mail(message_id);
    m.incident_number = "2026-1";
    m.incident_type = "Robbery";
    m.purpose = "identify a suspect";
    m.images = {{"probe.jpg", "image/jpeg", "abc", 100}};
    return m;
  }
  std::string ApprovedRequest() {
    auto r = Run(CompleteRequest());
    auto txn = store_->Begin();
    Approve(*store_, *r.request_id, "analyst", "suspect in armed robbery, probe is clear");
    txn.Commit();
    return *r.request_id;
  }

  // ApprovedRequest(), searched (no candidates): RESULTS_SENT.
  std::string SearchedRequest() {
    std::string id = ApprovedRequest();
    auto txn = store_->Begin();
    RecordSearchResults(*store_, AuthorizeSearch(*store_, id), NewSearch{});
    txn.Commit();
    return id;
  }

  SenderPolicy senders_{{"pd.test"}, {}};
};

TEST_F(WorkflowTest, CompleteRequestWaitsForApprovalAndIsAcknowledged) {
  auto r = Run(CompleteRequest());
  EXPECT_EQ(r.kind, MessageKind::kRequest);
  EXPECT_EQ(r.reply, ReplyKind::kAcknowledgement);
  ASSERT_TRUE(r.request_id);
  auto req = store_->GetRequest(*r.request_id);
  EXPECT_EQ(req.state, RequestState::kPendingApproval);
  EXPECT_EQ(req.purpose_code, "a");
  EXPECT_EQ(store_->Probes(req.id).size(), 1u);
  auto events = store_->Events(req.id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].to_state, "PENDING_APPROVAL");
}

// Issue 17: an intranet form mails from a no-reply address with the detective in Reply-To.
TEST_F(WorkflowTest, AnAllowedReplyToIsTheRequestorNeverAnOutsider) {
  auto form = CompleteRequest();
  form.from_address = "no-reply@pd.test";
  form.from_name = "Intranet Forms";
  form.reply_to_address = "det.ruiz@pd.test";
  form.reply_to_name = "Det. Ruiz";
  auto filed = Run(form);
  ASSERT_TRUE(filed.request_id);
  auto req = store_->GetRequest(*filed.request_id);
  EXPECT_EQ(req.requestor, "det.ruiz@pd.test");
  EXPECT_EQ(req.requestor_name, "Det. Ruiz");

  auto outsider = CompleteRequest("outsider@pd.test");
  outsider.reply_to_address = "someone@elsewhere.test";
  auto kept = Run(outsider);
  ASSERT_TRUE(kept.request_id);
  EXPECT_EQ(store_->GetRequest(*kept.request_id).requestor, "det@pd.test") << "From stays";

  // An allowed Reply-To does not let an outsider in.
  auto stranger = CompleteRequest("stranger@elsewhere.test");
  stranger.from_address = "stranger@elsewhere.test";
  stranger.reply_to_address = "det@pd.test";
  EXPECT_EQ(Run(stranger).kind, MessageKind::kUnauthorized);
}

TEST_F(WorkflowTest, IncompleteRequestNeedsInfoUntilAFollowUpCompletesIt) {
  IncomingMail first = Mail("m1@pd.test");
  first.incident_type = "Robbery";
  auto r = Run(first);
  EXPECT_EQ(r.reply, ReplyKind::kNeedsInfo);
  ASSERT_EQ(r.missing.size(), 2u);  // no probe, no purpose
  EXPECT_NE(r.missing[0].find("probe"), std::string::npos);
  EXPECT_NE(r.missing[1].find("purpose"), std::string::npos);
  EXPECT_EQ(store_->GetRequest(*r.request_id).state, RequestState::kNeedsInfo);

  // Still incomplete: the request stays, and the reply says what is still missing.
  IncomingMail second = Mail("m2@pd.test");
  second.thread_ids = {"m1@pd.test"};
  second.purpose = "witness";
  auto r2 = Run(second);
  EXPECT_EQ(r2.request_id, r.request_id);
  EXPECT_EQ(r2.reply, ReplyKind::kNeedsInfo);
  ASSERT_EQ(r2.missing.size(), 1u);

  IncomingMail third = Mail("m3@pd.test");
  third.subject = "Re: FR request [" + *r.request_id + "]";  // no References: the tag finds it
  third.images = {{"p.jpg", "image/jpeg", "def", 10}};
  auto r3 = Run(third);
  EXPECT_EQ(r3.request_id, r.request_id);
  EXPECT_EQ(r3.reply, ReplyKind::kAcknowledgement);
  auto req = store_->GetRequest(*r.request_id);
  EXPECT_EQ(req.state, RequestState::kPendingApproval);
  EXPECT_EQ(req.purpose_text, "witness");
}

TEST_F(WorkflowTest, UnauthorizedAndAutomaticMailIsNeverAnswered) {
  IncomingMail m = CompleteRequest();
  m.from_address = "stranger@elsewhere.test";
  auto r = Run(m);
  EXPECT_EQ(r.kind, MessageKind::kUnauthorized);
  EXPECT_EQ(r.reply, std::nullopt);
  EXPECT_FALSE(r.request_id.has_value());
  EXPECT_TRUE(store_->ListRequests().empty());

  IncomingMail ooo = Mail("ooo@pd.test");
  ooo.automatic = Automatic::kAutoReply;
  auto r2 = Run(ooo);
  EXPECT_EQ(r2.kind, MessageKind::kAutoReply);
  EXPECT_EQ(r2.reply, std::nullopt);
  EXPECT_TRUE(store_->ListRequests().empty());
}

// A bounce of rtcc's own reply comes from a mail server, which is on no allow-list: with the
// reply token that proves it is about that request it is recorded there, and never answered.
TEST_F(WorkflowTest, BouncesAndAutoRepliesAboutRtccsMailAreRecordedOnTheirRequest) {
  senders_.require_authentication = true;
  IncomingMail request = CompleteRequest();
  request.sender_authenticated = true;
  std::string id = *Run(request).request_id;

  IncomingMail bounce = Mail("dsn1@mail.elsewhere.test");
  bounce.from_address = "mailer-daemon@mail.elsewhere.test";
  bounce.automatic = Automatic::kDeliveryReport;
  bounce.verified_request_id = id;
  bounce.delivery_action = DeliveryAction::kFailed;
  bounce.delivery_reason = "det@pd.test: 5.2.2 mailbox full";
  auto r = Run(bounce);
  EXPECT_EQ(r.kind, MessageKind::kDeliveryReport);
  EXPECT_EQ(r.request_id, id);
  EXPECT_EQ(r.reply, std::nullopt);

  IncomingMail ooo = Mail("oof1@pd.test");
  ooo.automatic = Automatic::kAutoReply;
  ooo.verified_request_id = id;
  ooo.subject = "Automatic reply: FR request";
  EXPECT_EQ(Run(ooo).kind, MessageKind::kAutoReply);

  std::vector<std::string> actions;
  for (const auto& e : store_->Events(id)) actions.push_back(e.action + ": " + e.detail);
  EXPECT_NE(
      std::find(actions.begin(), actions.end(), "delivery failed: det@pd.test: 5.2.2 mailbox full"),
      actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(),
                      "automatic reply received: from det@pd.test: Automatic reply: FR request"),
            actions.end());
  EXPECT_EQ(store_->GetRequest(id).state, RequestState::kPendingApproval) << "nothing else moves";

  // Without a proven token a stranger's bounce is quarantined like any stranger's mail.
  IncomingMail stray = bounce;
  stray.message_row = Record("dsn2@mail.elsewhere.test");
  stray.verified_request_id.reset();
  EXPECT_EQ(Run(stray).kind, MessageKind::kUnauthorized);
  // A token of a request that does not exist proves nothing either.
  stray.message_row = Record("dsn3@mail.elsewhere.test");
  stray.verified_request_id = "RTCC-1999-000001";
  EXPECT_EQ(Run(stray).kind, MessageKind::kUnauthorized);
}

TEST_F(WorkflowTest, AttachmentsThatAreNotProbesAreRecordedWithTheRequest) {
  IncomingMail m = CompleteRequest();
  m.unused_attachments = {"report.pdf (application/pdf) was not used: only photos are searched"};
  std::string id = *Run(m).request_id;
  bool found = false;
  for (const auto& e : store_->Events(id))
    found |= e.action == "attachment not used" && e.detail == m.unused_attachments[0];
  EXPECT_TRUE(found);
}

TEST_F(WorkflowTest, WhenRequiredOnlyServerAuthenticatedSendersMayFile) {
  senders_.require_authentication = true;
  IncomingMail forged = CompleteRequest();
  forged.authentication_note = "dkim=fail dmarc=fail";
  auto r = Run(forged);
  EXPECT_EQ(r.kind, MessageKind::kUnauthorized);
  EXPECT_EQ(r.reply, std::nullopt);
  EXPECT_TRUE(store_->ListRequests().empty());

  IncomingMail genuine = CompleteRequest("m2@pd.test");
  genuine.sender_authenticated = true;
  EXPECT_EQ(Run(genuine).kind, MessageKind::kRequest);
}

TEST_F(WorkflowTest, OversizeMessagesAreToldAndFileNothing) {
  IncomingMail big = CompleteRequest();
  big.oversize = true;
  auto r = Run(big);
  EXPECT_EQ(r.kind, MessageKind::kOversize);
  EXPECT_EQ(r.reply, ReplyKind::kTooLarge);
  EXPECT_FALSE(r.request_id.has_value());
  EXPECT_TRUE(store_->ListRequests().empty());
}

TEST_F(WorkflowTest, AReplyTokenOutranksTheSubjectTag) {
  auto first = Run(CompleteRequest("m1@pd.test"));
  auto second = Run(CompleteRequest("m2@pd.test"));
  IncomingMail m = Mail("m3@pd.test");
  m.subject = "Re: [" + *first.request_id + "]";
  m.verified_request_id = second.request_id;
  EXPECT_EQ(Run(m).request_id, second.request_id);
}

TEST_F(WorkflowTest, DecisionsNeedAPendingRequestAnAnalystAndAReason) {
  auto r = Run(CompleteRequest());
  auto txn = store_->Begin();
  EXPECT_THROW(Approve(*store_, *r.request_id, "analyst", ""), WorkflowError);
  EXPECT_THROW(Approve(*store_, *r.request_id, "", "reason"), WorkflowError);
  EXPECT_THROW(Approve(*store_, "RTCC-2026-999999", "analyst", "reason"), WorkflowError);
  auto d = Deny(*store_, *r.request_id, "analyst", "probe shows no face");
  EXPECT_EQ(d.decision, Decision::kDenied);
  EXPECT_EQ(store_->GetRequest(*r.request_id).state, RequestState::kDenied);
  EXPECT_THROW(Approve(*store_, *r.request_id, "analyst", "changed my mind"), WorkflowError);
}

TEST_F(WorkflowTest, NoSearchWithoutApproval) {
  auto r = Run(CompleteRequest());
  auto txn = store_->Begin();
  EXPECT_THROW(AuthorizeSearch(*store_, *r.request_id), WorkflowError);
  // Even bypassing the workflow, the database refuses a search row without an approval (4.5).
  auto denial = Deny(*store_, *r.request_id, "analyst", "no");
  NewSearch s;
  s.request_id = *r.request_id;
  s.decision_id = denial.id;
  s.analyst = "analyst";
  s.model_id = "m";
  EXPECT_THROW(store_->RecordSearch(s), SqliteError);
}

TEST_F(WorkflowTest, SearchResultsOutcomeAndTheSearchLog) {
  std::string id = ApprovedRequest();
  auto txn = store_->Begin();
  SearchAuthorization auth = AuthorizeSearch(*store_, id);
  EXPECT_EQ(auth.approval.analyst, "analyst");
  ASSERT_EQ(auth.probes.size(), 1u);
  NewSearch s;
  s.model_id = "dlib_face_recognition_resnet_model_v1";
  s.threshold = 0.6;
  s.gallery_faces = 55;
  s.probes_searched = 1;
  FaceResult face;
  face.probe_id = auth.probes[0].id;
  face.face_index = 1;
  face.candidates = {{1, "John_Salley", "a.jpg", 0.31}, {2, "John_Simm", "b.jpg", 0.58}};
  s.faces = {face};
  std::int64_t search_id = RecordSearchResults(*store_, auth, s);
  store_->outbox().Queue(id, ReplyKind::kResults, "r1@rtcc.test", "det@pd.test", "raw");
  txn.Commit();

  EXPECT_EQ(store_->GetRequest(id).state, RequestState::kResultsSent);
  auto log = store_->SearchLog();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].id, search_id);
  EXPECT_EQ(log[0].incident_number, "2026-1");
  EXPECT_EQ(log[0].incident_type, "Robbery");
  EXPECT_TRUE(log[0].yielded_results);
  EXPECT_FALSE(log[0].positive_identification.has_value()) << "unknown until the outcome arrives";
  EXPECT_EQ(log[0].candidate_count, 2);
  auto faces = store_->SearchFaces(search_id);
  ASSERT_EQ(faces.size(), 1u);
  ASSERT_EQ(faces[0].candidates.size(), 2u);
  EXPECT_EQ(faces[0].candidates[1].subject_id, "John_Simm");

  auto mail = store_->outbox().Pending();
  ASSERT_EQ(mail.size(), 1u);
  {
    auto t = store_->Begin();
    MarkReplySent(*store_, mail[0]);
    t.Commit();
  }
  EXPECT_EQ(store_->GetRequest(id).state, RequestState::kAwaitingOutcome);
  EXPECT_TRUE(store_->outbox().Pending().empty());

  // The requestor replies in the thread with the outcome (policy 4.5.3.3).
  // Without a reply token (found by the subject tag only) the log is not changed.
  IncomingMail tagged = Mail("tagged@pd.test");
  tagged.subject = "Re: results [" + id + "]";
  tagged.outcome = "positive identification";
  auto t = Run(tagged);
  EXPECT_EQ(t.reply, ReplyKind::kOutcomeNeedsThread);
  EXPECT_EQ(store_->GetRequest(id).state, RequestState::kAwaitingOutcome);
  EXPECT_FALSE(store_->SearchLog()[0].positive_identification.has_value());

  IncomingMail reply = Mail("reply@pd.test");
  reply.thread_ids = {"m1@pd.test", "r1@rtcc.test"};
  reply.verified_request_id = id;  // it answers rtcc's own results mail
  reply.outcome = "positive identification";
  auto r = Run(reply);
  EXPECT_EQ(r.kind, MessageKind::kOutcome);
  EXPECT_EQ(r.reply, ReplyKind::kOutcomeRecorded);
  EXPECT_EQ(store_->GetRequest(id).state, RequestState::kClosed);
  EXPECT_EQ(store_->SearchLog()[0].positive_identification, true);
}

// Issue 17: outcome replies in plain words reached the log in 0 of 3 cases.
TEST_F(WorkflowTest, AnOutcomeInPlainWordsInTheThreadIsRecorded) {
  std::string id = SearchedRequest();
  IncomingMail reply = Mail("plain@pd.test");
  reply.thread_ids = {"m1@pd.test"};
  reply.verified_request_id = id;
  reply.notes = "Good news, we arrested him this morning. It was the second one.";
  auto r = Run(reply);
  EXPECT_EQ(r.kind, MessageKind::kOutcome);
  EXPECT_EQ(r.reply, ReplyKind::kOutcomeRecorded);
  auto log = store_->SearchLog();
  EXPECT_EQ(log[0].outcome, OutcomeKind::kPositive);
  EXPECT_EQ(log[0].outcome_rank, 2);
  EXPECT_EQ(store_->GetRequest(id).state, RequestState::kClosed);
}

TEST_F(WorkflowTest, AnOutcomeReplyThatCannotBeReadIsKeptForAnalystsAndAskedOnce) {
  std::string id = SearchedRequest();
  for (const char* words : {"Thanks, will follow up with the unit.", "Any update on the DNA?"}) {
    IncomingMail reply = Mail(std::string(words).substr(0, 8) + "@pd.test");
    reply.verified_request_id = id;
    reply.notes = words;
    auto r = Run(reply);
    EXPECT_EQ(r.kind, MessageKind::kOutcome) << words;
    auto txn = store_->Begin();  // the reply is queued as the daemon would
    if (r.reply) store_->outbox().Queue(id, *r.reply, words, "det@pd.test", "raw");
    txn.Commit();
  }
  EXPECT_EQ(store_->outbox().Count(id, {ReplyKind::kOutcomeUnclear}), 1) << "asked once";
  EXPECT_FALSE(store_->SearchLog()[0].outcome.has_value()) << "the log is not guessed at";
  auto unread = UnreadOutcomeReplies(*store_);
  ASSERT_EQ(unread.size(), 1u);
  EXPECT_EQ(unread[0].request.id, id);
  EXPECT_EQ(unread[0].text, "Any update on the DNA?") << "the newest";
}

TEST_F(WorkflowTest, OutcomeFromSomeoneElseIsNotRecorded) {
  std::string id = SearchedRequest();
  IncomingMail reply = Mail("x@pd.test");
  reply.from_address = "colleague@pd.test";
  reply.thread_ids = {"m1@pd.test"};
  reply.verified_request_id = id;  // even replying to rtcc's mail (it was forwarded to them)
  reply.outcome = "positive identification";
  auto r = Run(reply);
  EXPECT_EQ(r.request_id, id);
  EXPECT_EQ(r.reply, std::nullopt);
  EXPECT_EQ(store_->GetRequest(id).state, RequestState::kResultsSent);
  EXPECT_FALSE(store_->SearchLog()[0].positive_identification.has_value());
}

TEST_F(WorkflowTest, AFailedSendIsRetriedButAPossiblyDeliveredOneIsCheckedFirst) {
  auto queue = [&](const std::string& message_id) {
    store_->outbox().Queue(std::nullopt, ReplyKind::kAcknowledgement, message_id, "det@pd.test",
                           "raw");
    for (const auto& m : store_->outbox().Pending())
      if (m.message_id == message_id) return m.id;
    ADD_FAILURE() << message_id << " not pending";
    return std::int64_t{0};
  };
  std::int64_t refused = queue("refused@rtcc.test");
  std::int64_t unknown = queue("unknown@rtcc.test");
  store_->outbox().MarkSending(refused);
  store_->outbox().MarkFailed(refused, "login denied", /*maybe_delivered=*/false);
  store_->outbox().MarkSending(unknown);
  store_->outbox().MarkFailed(unknown, "connection lost after DATA", /*maybe_delivered=*/true);
  for (const auto& m : store_->outbox().Pending()) {
    if (m.id == refused) {
      EXPECT_EQ(m.state, OutboxState::kQueued) << "never reached the server: send again at once";
      EXPECT_EQ(m.last_error, "login denied");
    } else {
      EXPECT_EQ(m.state, OutboxState::kSending)
          << "may have gone out: look in Sent before resending";
    }
    EXPECT_EQ(m.attempts, 1);
  }
  EXPECT_EQ(store_->outbox().Pending().size(), 2u);
}

TEST_F(WorkflowTest, EventsAreAppendOnlyAndTheDatabaseIsPrivate) {
  Run(CompleteRequest());
  EXPECT_THROW(store_->db().Exec("UPDATE events SET actor = 'someone else'"), SqliteError);
  EXPECT_THROW(store_->db().Exec("DELETE FROM events"), SqliteError);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "rtcc.sqlite").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
}

TEST_F(WorkflowTest, IllegalTransitionsAreRefusedWithTheStates) {
  auto r = Run(CompleteRequest());
  auto txn = store_->Begin();
  try {
    store_->Transition(*r.request_id, RequestState::kClosed, "x", "");
    FAIL() << "PENDING_APPROVAL -> CLOSED must be refused";
  } catch (const WorkflowError& e) {
    EXPECT_NE(std::string(e.what()).find("PENDING_APPROVAL"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("CLOSED"), std::string::npos);
  }
}

// The message of the SqliteError `read` throws, "" when none is.
template <typename Fn>
std::string SqliteErrorOf(Fn read) {
  try {
    read();
  } catch (const SqliteError& e) {
    return e.what();
  }
  return "";
}

TEST_F(WorkflowTest, TheSameWordsAreStoredAsBefore) {
  NewRequest filed;
  filed.requestor = "det@pd.test";
  auto id = store_->CreateRequest(filed, "rtccd").id;
  store_->outbox().Queue(id, ReplyKind::kNeedsInfo, "<a@rtcc>", "det@pd.test", "raw");
  store_->RecordDecision(id, Decision::kDenied, "analyst", "no", "", DecisionKind::kResearch);
  std::int64_t row = store_->messages().Record({"INBOX", 1, 1, "sha", "<m@pd>", 10, false});
  auto words = [&](const std::string& sql) {
    auto s = store_->db().Prepare(sql);
    EXPECT_TRUE(s.Step()) << sql;
    return s.Text(0) + " " + s.Text(1);
  };
  EXPECT_EQ(words("SELECT kind, state FROM outbox"), "needs_info queued");
  EXPECT_EQ(words("SELECT decision, kind FROM decisions"), "denied research");
  EXPECT_EQ(words("SELECT status, kind FROM messages"), "spooled ");
  EXPECT_EQ(words("SELECT state, id FROM requests").substr(0, 9), "RECEIVED ");
  store_->messages().MarkProcessed(row, MessageKind::kFollowUp, id, "");
  EXPECT_EQ(words("SELECT status, kind FROM messages"), "processed follow_up");
  auto m = store_->messages().Find("INBOX", 1, 1);
  EXPECT_EQ(m->status, MessageStatus::kProcessed);
  EXPECT_EQ(m->kind, MessageKind::kFollowUp);
  store_->outbox().MarkSending(store_->outbox().ForRequest(id)[0].id);
  EXPECT_EQ(words("SELECT state, kind FROM outbox"), "sending needs_info");
  EXPECT_EQ(store_->outbox().Pending()[0].state, OutboxState::kSending);
}

TEST_F(WorkflowTest, AWordRtccDoesNotKnowIsAnErrorNamingColumnAndWord) {
  NewRequest filed;
  filed.requestor = "det@pd.test";
  auto id = store_->CreateRequest(filed, "rtccd").id;
  // outbox.kind and requests.state have no CHECK of their own: only the code knows the words.
  store_->db().Exec(
      "INSERT INTO outbox (request_id, kind, message_id, recipient, raw, created_at) "
      "VALUES ('" +
      id + "', 'notice', '<n@rtcc>', 'det@pd.test', 'raw', 't')");
  std::string error = SqliteErrorOf([&] { store_->outbox().Pending(); });
  EXPECT_NE(error.find("outbox.kind"), std::string::npos) << error;
  EXPECT_NE(error.find("'notice'"), std::string::npos) << error;

  store_->db().Exec("UPDATE requests SET state = 'ON_HOLD'");
  error = SqliteErrorOf([&] { store_->GetRequest(id); });
  EXPECT_NE(error.find("requests.state"), std::string::npos) << error;
  EXPECT_NE(error.find("'ON_HOLD'"), std::string::npos) << error;

  std::int64_t row = store_->messages().Record({"INBOX", 1, 1, "sha", "<m@pd>", 10, false});
  store_->db().Exec("UPDATE messages SET status = 'processed', kind = 'spam' WHERE id = " +
                    std::to_string(row));
  error = SqliteErrorOf([&] { store_->messages().Find("INBOX", 1, 1); });
  EXPECT_NE(error.find("messages.kind holds 'spam'"), std::string::npos) << error;
  store_->db().Exec("UPDATE messages SET kind = '' WHERE id = " + std::to_string(row));
  error = SqliteErrorOf([&] { store_->messages().Find("INBOX", 1, 1); });
  EXPECT_NE(error.find("messages.kind holds ''"), std::string::npos)
      << "a processed message says what it was: " << error;
}

}  // namespace
}  // namespace rtcc::casework
