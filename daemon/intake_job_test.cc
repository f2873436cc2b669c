#include "daemon/intake_job.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "mail/mime_message.h"

namespace rtcc::daemon {
namespace {

// The processing half of intake, without a mail server: messages are put in the spool and the
// store as Poll() would, then processed.
class IntakeJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rtcc-intake-" + std::to_string(::getpid()) +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    store_ = std::make_unique<casework::Store>(dir_ / "db.sqlite");
    spool_ = std::make_unique<casework::Spool>(dir_ / "spool");
    templates_ = std::make_unique<templates::TemplateSet>(RTCC_TEMPLATES_DIR, RequiredTemplates());
    replies_ = std::make_unique<ReplyComposer>(
        *templates_, MailIdentity{"rtcc@pd.test", "RTCC", "RTCC"}, tokens_);
    config::SenderRules senders;
    senders.allowed_domains = {"pd.test"};
    job_ = std::make_unique<IntakeJob>(
        *store_, *spool_, *replies_, tokens_,
        IntakeSettings{config::MailboxSettings{}, senders, "rtcc@pd.test", kReplyCap, {}});
  }
  void TearDown() override {
    job_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Deliver(const std::string& raw, bool headers_only = false) {
    static int uid = 0;
    std::string sha = spool_->Put("messages", raw);
    store_->messages().Record({"INBOX", 7, ++uid, sha, mail::ParseMimeMessage(raw).message_id,
                               headers_only ? 40'000'000 : static_cast<std::int64_t>(raw.size()),
                               headers_only});
    return sha;
  }

  static std::string Request(const std::string& from, const std::string& extra_headers,
                             const std::string& body, int images) {
    std::string raw = "From: Det Smith <" + from +
                      ">\r\nTo: rtcc@pd.test\r\nSubject: FR request\r\n" + "Message-ID: <req-" +
                      std::to_string(images) + from + ">\r\n" + extra_headers +
                      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                      "--b\r\nContent-Type: text/plain\r\n\r\n" +
                      body + "\r\n";
    for (int i = 0; i < images; ++i)  // the same bytes each time: one probe
      raw +=
          "--b\r\nContent-Type: image/jpeg; name=p.jpg\r\nContent-Transfer-Encoding: "
          "base64\r\n\r\n/9j/4AAQSkZJRgABAQ==\r\n";
    return raw + "--b--\r\n";
  }

  // A request filed, approved and searched, its results queued: its id and the results reply's
  // Message-ID (with its reply token).
  std::pair<std::string, std::string> SearchedRequest() {
    Deliver(Request("det@pd.test", "", "Incident Type: Robbery\nPurpose: suspect", 1));
    job_->ProcessSpooled();
    std::string id = store_->ListRequests()[0].id;
    auto txn = store_->Begin();
    casework::Approve(*store_, id, "analyst", "ok");
    auto auth = casework::AuthorizeSearch(*store_, id);
    casework::RecordSearchResults(*store_, auth, casework::NewSearch{});
    replies_->QueueResults(*store_, store_->GetRequest(id), auth.approval,
                           store_->Searches(id).back());
    txn.Commit();
    return {id, store_->outbox().ForRequest(id).back().message_id};
  }

  std::filesystem::path dir_;
  std::unique_ptr<casework::Store> store_;
  std::unique_ptr<casework::Spool> spool_;
  std::unique_ptr<templates::TemplateSet> templates_;
  ThreadToken tokens_{std::string(32, 's')};
  static constexpr int kReplyCap = 3;
  std::unique_ptr<ReplyComposer> replies_;
  std::unique_ptr<IntakeJob> job_;
};

TEST_F(IntakeJobTest, CompleteRequestIsFiledOnceAndAcknowledged) {
  Deliver(Request("det@pd.test", "", "Incident Type: Robbery\nPurpose: suspect", 2));
  EXPECT_EQ(job_->ProcessSpooled(), 1);
  EXPECT_EQ(job_->ProcessSpooled(), 0) << "a processed message is never processed again";
  auto requests = store_->ListRequests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].state, casework::RequestState::kPendingApproval);
  EXPECT_EQ(store_->Probes(requests[0].id).size(), 1u)
      << "the same image attached twice is one probe";
  auto mail = store_->outbox().Pending();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].kind, casework::ReplyKind::kAcknowledgement);
  auto ack = mail::ParseMimeMessage(mail[0].raw);
  EXPECT_NE(ack.subject.find("[" + requests[0].id + "]"), std::string::npos);
  EXPECT_EQ(ack.in_reply_to, "req-2det@pd.test");
}

TEST_F(IntakeJobTest, MissingPiecesAreListedInTheReply) {
  Deliver(Request("det@pd.test", "", "Please run this.", 0));
  job_->ProcessSpooled();
  auto mail = store_->outbox().Pending();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].kind, casework::ReplyKind::kNeedsInfo);
  std::string body = mail::ParseMimeMessage(mail[0].raw).text_body;
  EXPECT_NE(body.find("a probe photograph"), std::string::npos) << body;
  EXPECT_NE(body.find("the incident type"), std::string::npos);
  EXPECT_NE(body.find("the purpose of the search"), std::string::npos);
  EXPECT_EQ(store_->ListRequests()[0].state, casework::RequestState::kNeedsInfo);
}

TEST_F(IntakeJobTest, StrangersAndRobotsGetNoReply) {
  Deliver(Request("someone@elsewhere.test", "", "Incident Type: Robbery\nPurpose: suspect", 1));
  Deliver(Request("det@pd.test", "Auto-Submitted: auto-replied\r\n", "I am out of the office", 0));
  Deliver(Request("mailer-daemon@pd.test", "", "Delivery failed", 0));
  EXPECT_EQ(job_->ProcessSpooled(), 3);
  EXPECT_TRUE(store_->outbox().Pending().empty());
  EXPECT_TRUE(store_->ListRequests().empty());
  EXPECT_TRUE(store_->messages().ToProcess().empty());
}

TEST_F(IntakeJobTest, AMessageThatFailsDoesNotBlockTheOthersAndIsKeptForRetry) {
  std::string bad =
      Deliver(Request("det@pd.test", "", "Incident Type: Robbery\nPurpose: suspect", 1));
  Deliver(Request("det2@pd.test", "", "Incident Type: Theft\nPurpose: witness", 1));
  std::filesystem::remove(spool_->PathOf("messages", bad));  // e.g. a damaged disk
  EXPECT_EQ(job_->ProcessSpooled(), 1);
  auto left = store_->messages().ToProcess();
  ASSERT_EQ(left.size(), 1u) << "the failed message is kept, not dropped";
  EXPECT_EQ(left[0].sha256, bad);
  EXPECT_EQ(store_->ListRequests().size(), 1u);
  EXPECT_EQ(store_->ListRequests()[0].requestor, "det2@pd.test");
}

// Issue 9: a message that fails every time is not retried forever. Its attempts are counted, and
// once max_attempts (3 by default) are spent it is set aside, kept, with an event and its reason.
TEST_F(IntakeJobTest, AMessageThatKeepsFailingIsSetAsideAfterItsAttempts) {
  std::string bad =
      Deliver(Request("det@pd.test", "", "Incident Type: Robbery\nPurpose: suspect", 1));
  std::filesystem::remove(spool_->PathOf("messages", bad));
  for (int attempt = 1; attempt <= 3; ++attempt) {
    EXPECT_EQ(job_->ProcessSpooled(), 0);
    ASSERT_EQ(store_->messages().ToProcess().size(), 1u) << "kept for attempt " << attempt + 1;
  }
  EXPECT_EQ(job_->ProcessSpooled(), 0) << "the fourth time it is set aside, not processed";
  EXPECT_TRUE(store_->messages().ToProcess().empty());
  auto failed = store_->messages().Find("INBOX", 7, store_->messages().FindByContent(bad, "")->uid);
  ASSERT_TRUE(failed);
  ASSERT_EQ(failed->kind, casework::MessageKind::kFailed);
  EXPECT_NE(failed->note.find("set aside after 3 attempts"), std::string::npos) << failed->note;
  EXPECT_EQ(job_->FolderFor(*failed->kind), "rtcc-failed");
  auto event = store_->db().Prepare(
      "SELECT detail FROM events WHERE action = 'message set aside' AND request_id IS NULL");
  ASSERT_TRUE(event.Step()) << "the trail says which message was set aside";
  EXPECT_NE(event.Text(0).find(bad), std::string::npos) << event.Text(0);
  EXPECT_NE(event.Text(0).find("rtcc-failed"), std::string::npos) << event.Text(0);
  EXPECT_TRUE(store_->outbox().Pending().empty()) << "nobody is answered about it";
}

// Issue 9: a message of 10,000 photographs does not become a request of 10,000 probes; those over
// the cap ([rtcc] max_probes_per_message, 20) are named in the reply as not used.
TEST_F(IntakeJobTest, PhotosOverTheCapAreNamedNotSearched) {
  std::string raw =
      "From: Det <det@pd.test>\r\nTo: rtcc@pd.test\r\nSubject: many\r\nMessage-ID: "
      "<many@pd.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nIncident Type: Robbery\r\nPurpose: suspect\r\n";
  for (int i = 0; i < 25; ++i)  // 25 different JPEG-looking files
    raw += "--b\r\nContent-Type: image/jpeg; name=p" + std::to_string(i) +
           ".jpg\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\xFF\xD8\xFF\xDB" +
           std::string(static_cast<std::size_t>(i + 1), 'x') + "\r\n";
  Deliver(raw + "--b--\r\n");
  EXPECT_EQ(job_->ProcessSpooled(), 1);
  auto requests = store_->ListRequests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(store_->Probes(requests[0].id).size(), 20u);
  auto mail = store_->outbox().Pending();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_NE(mail[0].raw.find("5 more photo(s) (p20.jpg, ...) were not used: at most 20"),
            std::string::npos)
      << mail[0].raw;
}

// Issue 9: a reply with 100,000 References is threaded by its root and newest references only;
// before, looking every one up took 43 s and held the database.
TEST_F(IntakeJobTest, AHugeReferencesFieldStillThreadsByItsRoot) {
  Deliver(Request("det@pd.test", "", "Incident Type: Robbery", 1));  // <req-1det@pd.test>
  ASSERT_EQ(job_->ProcessSpooled(), 1);
  std::string references = "References: <req-1det@pd.test>";
  for (int i = 0; i < 100'000; ++i) references += "\r\n <junk-" + std::to_string(i) + "@x.test>";
  std::string reply =
      "From: Det Smith <det@pd.test>\r\nTo: rtcc@pd.test\r\nSubject: Re: FR request\r\n"
      "Message-ID: <reply@pd.test>\r\n" +
      references + "\r\nContent-Type: text/plain\r\n\r\nPurpose: suspect\r\n";
  Deliver(reply);
  EXPECT_EQ(job_->ProcessSpooled(), 1);
  auto requests = store_->ListRequests();
  ASSERT_EQ(requests.size(), 1u) << "the reply joined its request, it did not open a new one";
  EXPECT_EQ(requests[0].purpose_text, "suspect");
}

// Policy 4.5, issue 9: a stranger's mail is read no further than its header: no field, no probe
// kept, no reply — even when its body is exactly what a request looks like.
TEST_F(IntakeJobTest, AStrangersMailIsQuarantinedUnread) {
  std::string raw =
      Request("stranger@outside.test", "",
              "Incident Type: Robbery\nPurpose: suspect\n" + std::string(60'000, ' ') + "x", 1);
  auto head = job_->Read(raw);
  EXPECT_EQ(head.from_address, "stranger@outside.test");
  EXPECT_TRUE(head.text_body.empty());
  EXPECT_TRUE(head.images.empty());
  Deliver(raw);
  EXPECT_EQ(job_->ProcessSpooled(), 1);
  EXPECT_TRUE(store_->ListRequests().empty());
  EXPECT_TRUE(store_->outbox().Pending().empty());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "spool/probes") &&
               !std::filesystem::is_empty(dir_ / "spool/probes"))
      << "a stranger's photo is not kept";
  // A bounce from a stranger's server is still read: it may be about one of rtcc's replies.
  auto bounce = job_->Read(
      "From: MAILER-DAEMON@mx.outside.test\r\nTo: rtcc@pd.test\r\nSubject: Undelivered\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--b--\r\n");
  EXPECT_EQ(bounce.text_body, "Delivery failed");
}

// The results reply's Message-ID carries a reply token; an outcome replying to it is recorded.
TEST_F(IntakeJobTest, OutcomeInReplyToRtccsOwnMailIsRecordedOnlyThere) {
  auto [id, results_id] = SearchedRequest();
  ASSERT_EQ(tokens_.Verify(results_id), id);

  // A reply that only carries the subject tag: not recorded, and told why.
  Deliver("From: det@pd.test\r\nSubject: Re: x [" + id +
          "]\r\nMessage-ID: <o1@pd.test>\r\n\r\n"
          "Outcome: positive identification\r\n");
  job_->ProcessSpooled();
  EXPECT_FALSE(store_->SearchLog()[0].positive_identification.has_value());
  EXPECT_EQ(store_->outbox().ForRequest(id).back().kind, casework::ReplyKind::kOutcomeNeedsThread);

  // A forged token (right shape, wrong HMAC) is no better than none.
  std::string forged = results_id;
  forged[forged.find('@') - 1] = forged[forged.find('@') - 1] == '0' ? '1' : '0';
  Deliver("From: det@pd.test\r\nSubject: Re: x\r\nMessage-ID: <o2@pd.test>\r\nIn-Reply-To: <" +
          forged + ">\r\n\r\nOutcome: positive identification\r\n");
  job_->ProcessSpooled();
  EXPECT_FALSE(store_->SearchLog()[0].positive_identification.has_value());

  Deliver("From: det@pd.test\r\nSubject: Re: x\r\nMessage-ID: <o3@pd.test>\r\nIn-Reply-To: <" +
          results_id + ">\r\nReferences: <" + results_id +
          ">\r\n\r\nOutcome: no identification\r\n");
  job_->ProcessSpooled();
  EXPECT_EQ(store_->SearchLog()[0].positive_identification, false);
  EXPECT_EQ(store_->GetRequest(id).state, casework::RequestState::kClosed);
  EXPECT_EQ(store_->outbox().ForRequest(id).back().kind, casework::ReplyKind::kOutcomeRecorded);
}

// Issue 17: another domain's mail server bounces rtcc's reply with a plain-text notice (no
// multipart/report) that quotes the returned header; a forwarding rule's out-of-office comes
// from the detective's own (allowed) address without Auto-Submitted. Neither is answered; the
// bounce is recorded on the request it concerns, not quarantined as a stranger's mail.
TEST_F(IntakeJobTest, BouncesFromAnywhereAndRuleAutoRepliesAreRecordedNeverAnswered) {
  Deliver(Request("det@pd.test", "", "Incident Type: Robbery\nPurpose: suspect", 1));
  job_->ProcessSpooled();
  std::string id = store_->ListRequests()[0].id;
  std::string ack_id = store_->outbox().ForRequest(id).back().message_id;
  const std::size_t replies = store_->outbox().ForRequest(id).size();

  Deliver(
      "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.county.test (Mail Delivery System)\r\n"
      "To: rtcc@pd.test\r\nSubject: failure notice\r\nMessage-ID: <b1@mx.county.test>\r\n"
      "\r\nHi. This is the qmail-send program at mx.county.test.\r\n"
      "I'm afraid I wasn't able to deliver your message to the following addresses.\r\n\r\n"
      "<det@pd.test>:\r\nmailbox is full\r\n\r\n--- Below this line is a copy of the "
      "message.\r\n\r\nFrom: rtcc@pd.test\r\nMessage-ID: <" +
      ack_id + ">\r\nSubject: Re: FR request\r\n\r\nYour request was received.\r\n");
  Deliver(
      "From: Det Smith <det@pd.test>\r\nTo: rtcc@pd.test\r\n"
      "Subject: Automatic reply: FR request [" +
      id +
      "]\r\nMessage-ID: <oof1@pd.test>\r\nX-MS-Exchange-Inbox-Rules-Loop: det@pd.test\r\n"
      "\r\nI am out of the office until Monday. Incident Type: n/a\r\n");
  EXPECT_EQ(job_->ProcessSpooled(), 2);

  EXPECT_EQ(store_->outbox().ForRequest(id).size(), replies) << "neither is answered";
  EXPECT_EQ(store_->ListRequests().size(), 1u) << "no request filed from the auto-reply";
  auto messages = store_->messages().ForRequest(id);
  ASSERT_EQ(messages.size(), 3u) << "both are filed with the request they concern";
  EXPECT_EQ(messages[1].kind, casework::MessageKind::kDeliveryReport);
  EXPECT_EQ(messages[2].kind, casework::MessageKind::kAutoReply);
  bool failure_recorded = false;
  for (const auto& e : store_->Events(id))
    failure_recorded = failure_recorded || (e.action == "delivery failed" &&
                                            e.detail.find("qmail-send") != std::string::npos);
  EXPECT_TRUE(failure_recorded);
}

TEST_F(IntakeJobTest, AFormMailersRequestIsAnsweredToTheDetectiveInReplyTo) {  // issue 17
  Deliver(
      "From: Intranet Forms <no-reply@pd.test>\r\nReply-To: Det. Ruiz <Det.Ruiz@pd.test>"
      "\r\nTo: rtcc@pd.test\r\nSubject: FR request form #5512\r\nMessage-ID: <f1@forms.pd.test>"
      "\r\n\r\nIncident Number: 26-000123\r\nIncident Type: Robbery\r\nPurpose: suspect\r\n");
  job_->ProcessSpooled();
  auto requests = store_->ListRequests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].requestor, "det.ruiz@pd.test");
  auto reply = store_->outbox().ForRequest(requests[0].id).at(0);
  EXPECT_EQ(reply.recipient, "det.ruiz@pd.test");
  EXPECT_NE(reply.raw.find("To: <det.ruiz@pd.test>"), std::string::npos)
      << reply.raw.substr(0, 400);
}

// Issue 17: a detective answers the results in plain words, quoting them below (Outlook style).
TEST_F(IntakeJobTest, AnOutcomeInPlainWordsAboveTheQuotedResultsIsRecorded) {
  auto [id, results_id] = SearchedRequest();
  Deliver(
      "From: det@pd.test\r\nSubject: RE: FR results\r\nMessage-ID: <p1@pd.test>\r\n"
      "In-Reply-To: <" +
      results_id + ">\r\nReferences: <" + results_id +
      ">\r\n\r\n"
      "Thanks - we picked him up last night, he's in custody. It was #1.\r\n\r\n"
      "-----Original Message-----\r\nFrom: RTCC <rtcc@pd.test>\r\n"
      "Subject: FR results\r\n\r\nNo identification was made by this search. Candidate 2"
      "\r\n");
  job_->ProcessSpooled();
  auto log = store_->SearchLog();
  EXPECT_EQ(log[0].outcome, casework::OutcomeKind::kPositive);
  EXPECT_EQ(log[0].outcome_rank, 1) << "the quoted results are not the detective's words";
  auto reply = store_->outbox().ForRequest(id).back();
  EXPECT_EQ(reply.kind, casework::ReplyKind::kOutcomeRecorded);
  EXPECT_NE(reply.raw.find("he's in custody"), std::string::npos) << "the words it read";
}

// Issue 17: the number only in the subject line, or written without a label.
TEST_F(IntakeJobTest, AnIncidentNumberWithoutALabelIsReadWhenItIsTheOnlyOne) {
  Deliver(
      "From: det@pd.test\r\nSubject: FR request 26-004512 robbery\r\nMessage-ID: <s1@pd.test>"
      "\r\n\r\nIncident Type: Robbery\r\nPurpose: suspect\r\n");
  Deliver(
      "From: det@pd.test\r\nSubject: Scan\r\nMessage-ID: <s2@pd.test>\r\n\r\n"
      "Robbery at the pharmacy, ours is 26-004513. Purpose: suspect\r\nIncident Type: Robbery"
      "\r\n");
  Deliver(
      "From: det@pd.test\r\nSubject: 26-004514 and 26-004515\r\nMessage-ID: <s3@pd.test>"
      "\r\n\r\nIncident Type: Robbery\r\nPurpose: suspect\r\n");
  job_->ProcessSpooled();
  std::map<std::string, std::optional<std::string>> number_of;
  for (const auto& r : store_->ListRequests()) number_of[r.subject] = r.incident_number;
  EXPECT_EQ(number_of["FR request 26-004512 robbery"], "26-004512");
  EXPECT_EQ(number_of["Scan"], "26-004513");
  EXPECT_FALSE(number_of["26-004514 and 26-004515"].has_value()) << "two: asked, not guessed";
}

TEST_F(IntakeJobTest, AutomaticRepliesPerRequestAreCapped) {
  Deliver(Request("det@pd.test", "", "no fields", 0));  // needs_info #1
  job_->ProcessSpooled();
  std::string id = store_->ListRequests()[0].id;
  for (int i = 0; i < 5; ++i)  // a client stuck answering each reply with another empty reply
    Deliver("From: det@pd.test\r\nSubject: Re: [" + id + "]\r\nMessage-ID: <loop" +
            std::to_string(i) + "@pd.test>\r\n\r\nstill nothing\r\n");
  job_->ProcessSpooled();
  EXPECT_EQ(store_->outbox().Count(id, {casework::ReplyKind::kNeedsInfo}), kReplyCap);
  EXPECT_TRUE(store_->messages().ToProcess().empty()) << "capped messages are still recorded";
}

TEST_F(IntakeJobTest, OversizeMessageIsToldFromItsHeaderAlone) {
  Deliver("From: Det <det@pd.test>\r\nSubject: huge video\r\nMessage-ID: <big@pd.test>\r\n\r\n",
          true);
  job_->ProcessSpooled();
  EXPECT_TRUE(store_->ListRequests().empty());
  auto mail = store_->outbox().Pending();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].kind, casework::ReplyKind::kTooLarge);
  EXPECT_EQ(mail[0].recipient, "det@pd.test");
  auto reply = mail::ParseMimeMessage(mail[0].raw);
  EXPECT_EQ(reply.in_reply_to, "big@pd.test");
  EXPECT_NE(reply.text_body.find("38.1 MB"), std::string::npos) << reply.text_body;
  EXPECT_NE(reply.text_body.find("25.0 MB"), std::string::npos);
}

}  // namespace
}  // namespace rtcc::daemon
