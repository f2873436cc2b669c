// Issue 9 against the real rtccd, Dovecot and Postfix: one message that crashes or fails the
// daemon is set aside after [imap] max_attempts (3) and never takes the rest of the desk with it;
// the message of the original report (a stranger's base64 body of 60,000 spaces and "x", which
// overflowed std::regex's stack) is handled like any other.
//
// The crash is real: a fault injected into libmagic (tests/fault_injection_shim.cc, LD_PRELOAD)
// raises SIGSEGV or abort() inside rtccd when an attachment starts with its marker. rtccd is run
// again after each crash, as systemd's Restart=on-failure does.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "testing/rtcc_site.h"

namespace rtcc::testing {
namespace {

const std::filesystem::path kProbe =
    std::filesystem::path(RTCC_TEST_FACES_DIR) / "dlib_johns/John_Salley/000179_02159509.jpg";
const std::string kShim = std::string("LD_PRELOAD=") + RTCC_FAULT_SHIM;

std::string Request(const std::string& from, const std::string& name,
                    const std::string& extra_part = "") {
  std::string raw = RequestMessage(from, "photo " + name, name + "@pd.test",
                                   "Incident Type: Robbery\r\nPurpose: suspect\r\n", {kProbe});
  if (extra_part.empty()) return raw;
  auto end = raw.rfind("--=-rtcc-test--");
  return raw.substr(0, end) + "--=-rtcc-test\r\n" + extra_part + raw.substr(end);
}

// An attachment that makes the shim fail with `fault` ("SIGSEGV", "ABORT", "THROW").
std::string Fault(const std::string& fault) {
  return "Content-Type: application/octet-stream; name=\"evidence.bin\"\r\n\r\nRTCC-FAULT:" +
         fault + " and some bytes\r\n";
}

std::string ReadLog(const RtccSite& site) {
  std::ifstream in(site.dir() / "rtccd.log");
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

class PoisonMessage : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0)
      GTEST_SKIP() << "the loopback mail stack runs Dovecot and Postfix as root";
  }

  // Runs rtccd (with `env`) again and again, as systemd would after each crash, until a run ends
  // cleanly with the inbox empty. Returns how many runs crashed.
  static int RunUntilSettled(RtccSite& site, const std::string& env, int max_runs = 12) {
    int crashes = 0;
    for (int run = 0; run < max_runs; ++run) {
      auto r = site.Daemon(3, env);
      if (r.exit_code != 0) {
        ++crashes;
        continue;
      }
      if (site.mail().Messages("RTCC").empty()) return crashes;
    }
    ADD_FAILURE() << "rtccd did not settle in " << max_runs << " runs:\n" << ReadLog(site);
    return crashes;
  }

  // The message rows of `kind`, from the store.
  static std::vector<casework::MessageRecord> MessagesOfKind(RtccSite& site,
                                                             casework::MessageKind kind) {
    auto store = site.Store();
    auto s = store.db().Prepare("SELECT uid FROM messages WHERE kind = ? ORDER BY id");
    s.Bind(1, ToString(kind));
    std::vector<casework::MessageRecord> out;
    while (s.Step())
      out.push_back(*store.messages().Find("INBOX", FindUidValidity(store), s.Int(0)));
    return out;
  }
  static std::int64_t FindUidValidity(casework::Store& store) {
    auto s = store.db().Prepare("SELECT uidvalidity FROM messages LIMIT 1");
    return s.Step() ? s.Int(0) : 0;
  }

  static int CountEvents(RtccSite& site, const std::string& action) {
    auto store = site.Store();
    auto s = store.db().Prepare("SELECT count(*) FROM events WHERE action = ?");
    s.Bind(1, action);
    s.Step();
    return static_cast<int>(s.Int(0));
  }

  // Every request filed, each acknowledged once (handed to SMTP).
  static void ExpectFiledAndAcknowledged(RtccSite& site, std::size_t requests) {
    auto store = site.Store();
    ASSERT_EQ(store.ListRequests().size(), requests);
    for (const auto& r : store.ListRequests()) {
      int acks = 0;
      for (const auto& m : store.outbox().ForRequest(r.id))
        acks += m.kind == casework::ReplyKind::kAcknowledgement &&
                m.state == casework::OutboxState::kSent;
      EXPECT_EQ(acks, 1) << r.id << " (" << r.subject << ")";
    }
  }
};

TEST_F(PoisonMessage, ACrashingMessageIsSetAsideAndTheRestOfItsBatchIsFiled) {
  RtccSite site("poison-crash");
  ASSERT_EQ(site.Daemon(1).exit_code, 0);  // database and folders
  auto imap = site.mail().Imap("RTCC");
  imap.Append("INBOX", Request("detective@pd.test", "before"));
  imap.Append("INBOX", Request("detective@pd.test", "poison", Fault("SIGSEGV")));
  imap.Append("INBOX", Request("detective@pd.test", "after-1"));
  imap.Append("INBOX", Request("detective@pd.test", "after-2"));

  int crashes = RunUntilSettled(site, kShim);
  EXPECT_EQ(crashes, 3) << "one crash per attempt, [imap] max_attempts = 3, then set aside\n"
                        << ReadLog(site);
  // The three others of its batch: filed once each and acknowledged.
  ExpectFiledAndAcknowledged(site, 3);
  for (const auto& r : site.Store().ListRequests())
    EXPECT_NE(r.subject, "photo poison") << "the poison message never became a request";
  // The poison message: kept in rtcc-failed, recorded as failed, in the trail and the log.
  auto failed = site.mail().Messages("RTCC", "rtcc-failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].subject, "photo poison");
  auto rows = MessagesOfKind(site, casework::MessageKind::kFailed);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].note.find("set aside after 3 attempts: rtccd stopped while processing it"),
            std::string::npos)
      << rows[0].note;
  EXPECT_EQ(rows[0].folder, "rtcc-failed");
  EXPECT_EQ(CountEvents(site, "message set aside"), 1);
  EXPECT_NE(ReadLog(site).find("moved to rtcc-failed for an administrator"), std::string::npos);
  EXPECT_EQ(site.mail().Messages("RTCC", "rtcc-processed").size(), 3u);
}

TEST_F(PoisonMessage, AnAbortAndAnErrorAreSetAsideTooAndNothingIsAnsweredAboutThem) {
  RtccSite site("poison-abort");
  ASSERT_EQ(site.Daemon(1).exit_code, 0);
  auto imap = site.mail().Imap("RTCC");
  imap.Append("INBOX", Request("detective@pd.test", "abort", Fault("ABORT")));
  imap.Append("INBOX", Request("detective@pd.test", "throw", Fault("THROW")));
  imap.Append("INBOX", Request("detective@pd.test", "fine"));

  int crashes = RunUntilSettled(site, kShim);
  EXPECT_EQ(crashes, 3) << "the abort crashes 3 times; the error is caught each time\n"
                        << ReadLog(site);
  ExpectFiledAndAcknowledged(site, 1);
  auto rows = MessagesOfKind(site, casework::MessageKind::kFailed);
  ASSERT_EQ(rows.size(), 2u);
  std::string notes = rows[0].note + "\n" + rows[1].note;
  EXPECT_NE(notes.find("rtccd stopped while processing it"), std::string::npos) << notes;
  EXPECT_NE(notes.find("injected fault"), std::string::npos) << "the error is the reason given\n"
                                                             << notes;
  EXPECT_EQ(site.mail().Messages("RTCC", "rtcc-failed").size(), 2u);
  EXPECT_TRUE(site.Store().outbox().Pending().empty());
  EXPECT_EQ(site.mail().WaitForMessages("REQUESTOR", 1).size(), 1u)
      << "one acknowledgement, for the fine request only";
}

// The report that opened issue 9, end to end with the daemon left running: the 80 KB message
// whose base64 text body is one line of 60,000 spaces and "x", from a stranger and from an
// allowed sender, then a normal request.
TEST_F(PoisonMessage, TheReportedMessageNoLongerStopsTheDesk) {
  RtccSite site("poison-report", "poll_interval_seconds = 0.2\n");
  ASSERT_EQ(site.Daemon(1).exit_code, 0);
  std::string line(60'000, ' ');
  line += "x";
  auto report = [&](const std::string& from, const std::string& id) {
    return "From: " + from + "\r\nTo: rtcc@pd.test\r\nSubject: hello\r\nMessage-ID: <" + id +
           ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n" +
           Base64Lines(line);
  };
  auto imap = site.mail().Imap("RTCC");
  imap.Append("INBOX", report("stranger@outside.test", "report-1@outside.test"));
  imap.Append("INBOX", report("detective@pd.test", "report-2@pd.test"));
  site.StartDaemon();
  site.mail().Inject("detective@pd.test", "rtcc@pd.test", Request("detective@pd.test", "next"));

  auto filed = [&] {
    for (const auto& r : site.Store().ListRequests())
      for (const auto& m : site.Store().outbox().ForRequest(r.id))
        if (r.subject == "photo next" && m.kind == casework::ReplyKind::kAcknowledgement &&
            m.state == casework::OutboxState::kSent)
          return true;
    return false;
  };
  for (int t = 0; t < 300 && !filed(); ++t)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(filed()) << ReadLog(site);
  ASSERT_TRUE(site.DaemonRunning());
  EXPECT_EQ(::kill(site.daemon_pid(), 0), 0) << "rtccd is still running";
  site.StopDaemon();

  EXPECT_TRUE(site.mail().Messages("RTCC").empty()) << "the inbox is empty";
  auto quarantined = site.mail().Messages("RTCC", "rtcc-quarantine");
  ASSERT_EQ(quarantined.size(), 1u) << "the stranger's message is quarantined";
  EXPECT_EQ(quarantined[0].from_address, "stranger@outside.test");
  // The allowed sender's is filed as what it is: a request without photo, type or purpose.
  auto store = site.Store();
  bool asked = false;
  for (const auto& r : store.ListRequests())
    if (r.subject == "hello") {
      EXPECT_EQ(r.state, casework::RequestState::kNeedsInfo);
      for (const auto& m : store.outbox().ForRequest(r.id))
        asked = asked || m.kind == casework::ReplyKind::kNeedsInfo;
    }
  EXPECT_TRUE(asked) << "the detective is told what is missing";
  for (const auto& m : store.outbox().Pending())
    EXPECT_EQ(m.recipient.find("outside.test"), std::string::npos);
  auto s = store.db().Prepare("SELECT count(*) FROM outbox WHERE recipient LIKE '%outside.test%'");
  s.Step();
  EXPECT_EQ(s.Int(0), 0) << "nothing is answered to the stranger";
  EXPECT_EQ(ReadLog(site).find("set aside"), std::string::npos) << "nothing needed setting aside";
}

}  // namespace
}  // namespace rtcc::testing
