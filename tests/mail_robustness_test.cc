// Issue 4 against the real loopback Dovecot and Postfix: replies are sent exactly once even when a
// send was interrupted, oversize mail is answered from its header, and an IMAP outage mid-stream
// loses nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "mail/outgoing_message.h"
#include "mail/smtp_client.h"
#include "testing/rtcc_site.h"

namespace rtcc::testing {
namespace {

const std::filesystem::path kProbe =
    std::filesystem::path(RTCC_TEST_FACES_DIR) / "dlib_johns/John_Salley/000179_02159509.jpg";

class MailRobustness : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0)
      GTEST_SKIP() << "the loopback mail stack runs Dovecot and Postfix as root";
  }

  // A reply to the detective, queued in the outbox as rtccd would queue it.
  static casework::OutboxRecord Queue(casework::Store& store, const std::string& id) {
    mail::OutgoingMessage m;
    m.from = "rtcc@pd.test";
    m.to = "detective@pd.test";
    m.subject = "notice " + id;
    m.message_id = id;
    m.text_body = "hello\n";
    store.outbox().Queue(std::nullopt, casework::ReplyKind::kAcknowledgement, id,
                         "detective@pd.test", mail::BuildMessage(m));
    for (const auto& o : store.outbox().Pending())
      if (o.message_id == id) return o;
    throw std::runtime_error("not queued");
  }

  static int CountSubject(const std::vector<mail::MimeMessage>& inbox, const std::string& subject) {
    int n = 0;
    for (const auto& m : inbox) n += m.subject == subject;
    return n;
  }
};

TEST_F(MailRobustness, AnInterruptedSendIsNeverRepeatedNorLost) {
  RtccSite site("outbox", "", "", "resend_after_seconds = 0\n");
  ASSERT_EQ(site.Daemon(1).exit_code, 0);  // creates the database
  {
    auto store = site.Store();
    // 1. Handed to SMTP, then the daemon died before recording it: it did go out.
    auto went_out = Queue(store, "went-out@pd.test");
    mail::ServerConfig smtp;
    smtp.url = "smtp://127.0.0.1:" + site.mail().Get("SUBMISSION_PORT") + "/rtcc.pd.test";
    smtp.user = site.mail().Get("RTCC_USER");
    smtp.password = site.mail().Get("RTCC_PASSWORD");
    smtp.ca_file = site.mail().Get("CA_FILE");
    mail::SmtpClient(smtp).Send("rtcc@pd.test", {"detective@pd.test"}, went_out.raw);
    store.outbox().MarkSending(went_out.id);
    // 2. Marked as being sent, then the daemon died before handing it over: it did not go out.
    store.outbox().MarkSending(Queue(store, "never-left@pd.test").id);
  }
  // The provider's copy of (1) reaches the Sent folder.
  ASSERT_EQ(site.mail().WaitForMessages("RTCC", 1, "Sent").size(), 1u);

  auto run = site.Daemon(1);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("found in Sent, not sent again"), std::string::npos) << run.output;
  site.mail().WaitForMessages("REQUESTOR", 2);
  EXPECT_TRUE(site.mail().WaitForQueueEmpty()) << "a duplicate would be delivered by now";
  auto inbox = site.mail().Messages("REQUESTOR");
  EXPECT_EQ(CountSubject(inbox, "notice went-out@pd.test"), 1)
      << "sent before the crash: not again";
  EXPECT_EQ(CountSubject(inbox, "notice never-left@pd.test"), 1) << "never left: sent once now";
  EXPECT_TRUE(site.Store().outbox().Pending().empty());
}

TEST_F(MailRobustness, OversizeMessageIsAnsweredFromItsHeaderAndKept) {
  RtccSite site("oversize", "", "max_message_bytes = 65536\n");
  // About 200 KB: the probe attached 20 times.
  std::vector<std::filesystem::path> probes(20, kProbe);
  site.mail().Inject("detective@pd.test", "rtcc@pd.test",
                     RequestMessage("detective@pd.test", "big one", "big-1@pd.test",
                                    "Incident Type: Robbery\r\nPurpose: suspect\r\n", probes));
  auto run = site.Daemon(2);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto inbox = site.mail().WaitForMessages("REQUESTOR", 1);
  ASSERT_EQ(inbox.size(), 1u) << run.output;
  EXPECT_NE(inbox[0].subject.find("message too large"), std::string::npos) << inbox[0].subject;
  EXPECT_EQ(inbox[0].in_reply_to, "big-1@pd.test");
  EXPECT_NE(inbox[0].text_body.find("0.1 MB the Real Time Crime Center"), std::string::npos)
      << inbox[0].text_body;
  EXPECT_TRUE(site.Store().ListRequests().empty());
  // Never lost: the whole message is in the processed folder, attachments and all.
  auto kept = site.mail().Messages("RTCC", "rtcc-processed");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].images.size(), 20u);
}

TEST_F(MailRobustness, AnImapOutageMidStreamLosesNothing) {
  RtccSite site("outage", "poll_interval_seconds = 0.2\n");
  ASSERT_EQ(site.Daemon(1).exit_code, 0);  // the database exists before the test reads it
  site.StartDaemon();
  auto send = [&](int i) {
    site.mail().Inject("detective@pd.test", "rtcc@pd.test",
                       RequestMessage("detective@pd.test", "request " + std::to_string(i),
                                      "stream-" + std::to_string(i) + "@pd.test",
                                      "Incident Type: Robbery\r\nPurpose: suspect\r\n", {kProbe}));
  };
  for (int i = 0; i < 4; ++i) send(i);
  auto requests = [&] { return site.Store().ListRequests().size(); };
  for (int t = 0; t < 100 && requests() < 4; ++t)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(requests(), 4u);

  auto stop = RunCommand(std::string(RTCC_SOURCE_DIR) + "/scripts/mailstack.sh imap-stop " +
                         site.mail().dir().string());
  ASSERT_EQ(stop.exit_code, 0) << stop.output;
  for (int i = 4; i < 8; ++i) send(i);  // Postfix holds them while Dovecot is down
  auto failed_polls = [&] {
    std::ifstream log(site.dir() / "rtccd.log");
    std::string text((std::istreambuf_iterator<char>(log)), {});
    return text.find("IMAP: ") != std::string::npos;
  };
  for (int t = 0; t < 100 && !failed_polls(); ++t)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(failed_polls()) << "rtccd noticed the outage";
  std::this_thread::sleep_for(std::chrono::seconds(1));  // and polls on during it (backoff)
  auto start = RunCommand(std::string(RTCC_SOURCE_DIR) + "/scripts/mailstack.sh imap-start " +
                          site.mail().dir().string());
  ASSERT_EQ(start.exit_code, 0) << start.output;
  for (int t = 0; t < 300 && requests() < 8; ++t)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  site.StopDaemon();

  auto store = site.Store();
  ASSERT_EQ(store.ListRequests().size(), 8u);
  std::map<std::string, int> per_message;
  for (const auto& r : store.ListRequests()) ++per_message[r.thread_message_id];
  EXPECT_EQ(per_message.size(), 8u) << "every message filed exactly once";
  for (const auto& r : store.ListRequests()) {
    int acks = 0;
    for (const auto& m : store.outbox().ForRequest(r.id))
      acks += m.kind == casework::ReplyKind::kAcknowledgement &&
              m.state == casework::OutboxState::kSent;
    EXPECT_EQ(acks, 1) << r.id << ": one acknowledgement each, handed to SMTP";
  }
  // Postfix deferred what it could not deliver while Dovecot was down: deliver it now.
  RunCommand(std::string(RTCC_SOURCE_DIR) + "/scripts/mailstack.sh flush " +
             site.mail().dir().string());
  // Postfix may hand one message to Dovecot twice when Dovecot stops mid-delivery ("message may
  // be sent more than once"): SMTP is at-least-once downstream of rtccd, so count Message-IDs.
  auto inbox = site.mail().WaitForMessages("REQUESTOR", 8);
  std::set<std::string> delivered;
  for (const auto& m : inbox) delivered.insert(m.message_id);
  EXPECT_EQ(delivered.size(), 8u) << "one acknowledgement each, delivered";
  std::ifstream log(site.dir() / "rtccd.log");
  std::string text((std::istreambuf_iterator<char>(log)), {});
  std::size_t reported = 0;
  for (std::size_t p = 0; (p = text.find("IMAP: ", p)) != std::string::npos; ++p) ++reported;
  EXPECT_EQ(reported, 1u) << "the outage is logged once, not every poll:\n" << text;
  EXPECT_NE(text.find("IMAP server reachable again"), std::string::npos) << text;
}

// XOAUTH2 bearer tokens instead of passwords, as Microsoft 365 and Google require: IMAP reads its
// token from a command, SMTP from a file; an expired token is an error that loses nothing.
TEST_F(MailRobustness, OAuth2BearerTokensForImapAndSmtp) {
  std::string script = std::string(RTCC_SOURCE_DIR) + "/scripts/mailstack.sh";
  std::string mail_dir =
      std::filesystem::path(std::filesystem::temp_directory_path() /
                            ("rtcc-oauth-" + std::to_string(::getpid())) / "mail")
          .string();
  std::string token_file = (std::filesystem::path(mail_dir).parent_path() / "smtp.token").string();
  RtccSite site("oauth", "",
                "oauth2_token_command = \"" + script + " token " + mail_dir + " rtcc@pd.test\"\n",
                "oauth2_token_file = \"" + token_file + "\"\n");
  auto mint = [&](int seconds) {
    auto t = RunCommand(script + " token " + mail_dir + " rtcc@pd.test " + std::to_string(seconds));
    std::ofstream(token_file, std::ios::trunc) << t.output;
  };
  mint(-60);  // SMTP starts with an expired token
  site.mail().Inject("detective@pd.test", "rtcc@pd.test",
                     RequestMessage("detective@pd.test", "oauth", "oauth-1@pd.test",
                                    "Incident Type: Robbery\r\nPurpose: suspect\r\n", {kProbe}));
  auto first = site.Daemon(2);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(site.Store().ListRequests().size(), 1u) << "IMAP logged in with the command's token\n"
                                                    << first.output;
  EXPECT_NE(first.output.find("not sent yet"), std::string::npos) << first.output;
  EXPECT_EQ(site.Store().outbox().Pending().size(), 1u)
      << "the acknowledgement waits, it is not lost";

  mint(3600);
  auto second = site.Daemon(1);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_TRUE(site.Store().outbox().Pending().empty()) << second.output;
  EXPECT_EQ(site.mail().WaitForMessages("REQUESTOR", 1).size(), 1u);
  std::ifstream log(std::filesystem::path(mail_dir) / "log/dovecot.log");
  std::string text((std::istreambuf_iterator<char>(log)), {});
  EXPECT_NE(text.find("user=<rtcc@pd.test>, method=XOAUTH2"), std::string::npos) << text;
}

}  // namespace
}  // namespace rtcc::testing
