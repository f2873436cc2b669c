// Issue 9: the hostile corpus of testing/hostile_mail.h, from an allowed sender and from an
// outsider, through rtccd.
//  - HostileIntake (in process, no mail server): each message through IntakeJob as intake_job_test
//    does it; also covers the shapes the IMAP server would not store.
//  - HostileMail (the real rtccd against the loopback Dovecot and Postfix; root): every message
//    appended straight into rtcc's INBOX (SMTP through Postfix would rewrite or refuse several
//    shapes: header_size_limit, line length), then a normal request; rtccd keeps running, files
//    and acknowledges the request, and every hostile message ends in a stated place.
#include "testing/hostile_mail.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "base/sqlite_db.h"
#include "daemon/intake_job.h"
#include "mail/mail_transport.h"
#include "mail/mime_message.h"
#include "templates/template_set.h"
#include "testing/rtcc_site.h"

namespace rtcc::testing {
namespace {

const std::filesystem::path kProbe =
    std::filesystem::path(RTCC_TEST_FACES_DIR) / "dlib_johns/John_Salley/000179_02159509.jpg";
const std::string kAllowed = "detective@pd.test";
const std::string kOutsider = "stranger@outside.test";
const std::string kFields = "Incident Type: Robbery\r\nPurpose: suspect\r\n";

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// --- in process ---------------------------------------------------------------------------------

struct Case {
  std::string name;
  std::string from;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name << " from " << c.from; }

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (const auto& name : HostileMessageNames())
    for (const auto& from : {kAllowed, kOutsider}) cases.push_back({name, from});
  return cases;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.name + (info.param.from == kAllowed ? "_allowed" : "_outsider");
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
}

// The processing half of intake (spool, record, ProcessSpooled), as daemon/intake_job_test.cc.
class HostileIntake : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rtcc-hostile-intake-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::make_unique<casework::Store>(dir_ / "db.sqlite");
    spool_ = std::make_unique<casework::Spool>(dir_ / "spool");
    templates_ =
        std::make_unique<templates::TemplateSet>(RTCC_TEMPLATES_DIR, daemon::RequiredTemplates());
    replies_ = std::make_unique<daemon::ReplyComposer>(
        *templates_, daemon::MailIdentity{"rtcc@pd.test", "RTCC", "RTCC"}, tokens_);
    config::SenderRules senders;
    senders.allowed_domains = {"pd.test"};
    job_ = std::make_unique<daemon::IntakeJob>(
        *store_, *spool_, *replies_, tokens_,
        daemon::IntakeSettings{config::MailboxSettings{}, senders, "rtcc@pd.test", 10, {}});
  }
  void TearDown() override {
    job_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Spools and records `raw` as intake's fetch would; returns its UID.
  std::int64_t Deliver(const std::string& raw) {
    std::string sha = spool_->Put("messages", raw);
    store_->messages().Record({"INBOX", 7, ++uid_, sha, mail::ParseMimeMessage(raw).message_id,
                               static_cast<std::int64_t>(raw.size()), false});
    return uid_;
  }

  std::filesystem::path dir_;
  std::unique_ptr<casework::Store> store_;
  std::unique_ptr<casework::Spool> spool_;
  std::unique_ptr<templates::TemplateSet> templates_;
  daemon::ThreadToken tokens_{std::string(32, 'h')};
  std::unique_ptr<daemon::ReplyComposer> replies_;
  std::unique_ptr<daemon::IntakeJob> job_;
  std::int64_t uid_ = 0;
};

// No exception escapes, the message gets exactly one disposition (filed, or set aside as "failed"
// after its attempts), an outsider's is "unauthorized" and never answered, an allowed sender's is
// answered (if at all) to that sender only; a normal request after it is filed and acknowledged.
TEST_P(HostileIntake, EndsWithOneDispositionAndNormalMailStillFlows) {
  const Case& c = GetParam();
  std::int64_t uid = 0;
  {
    HostileMessage m = BuildHostileMessage(c.name, c.from);
    std::cout << c.name << ": " << m.what << " (" << m.raw.size() << " bytes)" << std::endl;
    uid = Deliver(m.raw);
  }
  // As the daemon does: tried again while it fails, set aside ("failed") when its attempts are
  // spent.
  const int max_attempts = config::MailboxSettings{}.max_attempts;
  for (int attempt = 0; attempt <= max_attempts; ++attempt) {
    ASSERT_NO_THROW(job_->ProcessSpooled());
    if (store_->messages().ToProcess().empty()) break;
  }
  auto row = store_->messages().Find("INBOX", 7, uid);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->status, casework::MessageStatus::kProcessed) << "still waiting for a retry";
  ASSERT_TRUE(row->kind.has_value());
  std::cout << "  -> " << casework::Word(row->kind)
            << (row->request_id ? " " + *row->request_id : "") << " (" << row->note.substr(0, 200)
            << ")" << std::endl;
  auto pending = store_->outbox().Pending();
  if (c.from == kOutsider) {
    EXPECT_EQ(row->kind, casework::MessageKind::kUnauthorized);
    EXPECT_EQ(job_->FolderFor(*row->kind), "rtcc-quarantine");
    EXPECT_TRUE(pending.empty()) << "an outsider is never answered";
  } else {
    EXPECT_NE(row->kind, casework::MessageKind::kUnauthorized) << "the allowed sender was read";
    std::string folder = job_->FolderFor(*row->kind);
    EXPECT_TRUE(folder == "rtcc-processed" || folder == "rtcc-failed") << folder;
    for (const auto& o : pending) EXPECT_EQ(o.recipient, kAllowed) << casework::Word(o.kind);
    EXPECT_LE(pending.size(), 1u) << "one reply at most";
  }

  std::int64_t normal = Deliver(RequestMessage(kAllowed, "FR request after " + c.name,
                                               "normal-" + c.name + "@pd.test", kFields, {kProbe}));
  ASSERT_NO_THROW(job_->ProcessSpooled());
  auto filed = store_->messages().Find("INBOX", 7, normal);
  ASSERT_TRUE(filed.has_value());
  EXPECT_EQ(filed->kind, casework::MessageKind::kRequest);
  ASSERT_TRUE(filed->request_id.has_value());
  EXPECT_EQ(store_->outbox().ForRequest(*filed->request_id).size(), 1u);
  EXPECT_EQ(store_->outbox().ForRequest(*filed->request_id).at(0).kind,
            casework::ReplyKind::kAcknowledgement);
  EXPECT_TRUE(store_->messages().ToProcess().empty());
}

INSTANTIATE_TEST_SUITE_P(Corpus, HostileIntake, ::testing::ValuesIn(AllCases()), CaseName);

// --- the real rtccd against the loopback mail stack ----------------------------------------------

// A row of the messages table.
struct Disposition {
  casework::MessageStatus status = casework::MessageStatus::kSpooled;
  std::optional<casework::MessageKind> kind;
  std::string folder;
  std::string note;
  int rows = 0;
};

std::map<std::string, Disposition> Dispositions(const RtccSite& site) {
  casework::SqliteDb db(site.dir() / "data/rtcc.sqlite");
  auto q = db.Prepare("SELECT message_id, status, kind, folder, note FROM messages");
  std::map<std::string, Disposition> out;
  while (q.Step()) {
    Disposition& d = out[q.Text(0)];
    d = {q.Parsed(1, "messages.status", casework::ParseMessageStatus),
         q.OptParsed(2, "messages.kind", casework::ParseMessageKind), q.Text(3), q.Text(4),
         d.rows + 1};
  }
  return out;
}

// UIDs of `message_id` in `mailbox`; none when the mailbox does not exist.
std::size_t CountIn(mail::ImapClient& imap, const std::string& mailbox,
                    const std::string& message_id) {
  try {
    return imap.FindByMessageId(mailbox, message_id).size();
  } catch (const mail::MailError&) {
    return 0;
  }
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(HostileMail, RtccdSurvivesTheCorpusAndFilesTheNextRequest) {
  if (::geteuid() != 0) GTEST_SKIP() << "the loopback mail stack runs Dovecot and Postfix as root";
  RtccSite site("hostile", "poll_interval_seconds = 0.2\n");
  ASSERT_EQ(site.Daemon(1).exit_code, 0);  // database and folders exist before the corpus arrives
  site.StartDaemon();

  // Every hostile message from both senders, straight into the INBOX.
  struct Appended {
    std::string name;
    std::string from;
    std::string message_id;
  };
  std::vector<Appended> appended;
  std::vector<std::string> refused;  // shapes Dovecot would not store (covered by HostileIntake)
  {
    // ImapClient cannot be moved: a new-expression initializes it from Imap()'s result in place.
    std::unique_ptr<mail::ImapClient> imap(new mail::ImapClient(site.mail().Imap("RTCC")));
    for (const auto& name : HostileMessageNames()) {
      for (const auto& from : {kAllowed, kOutsider}) {
        HostileMessage m = BuildHostileMessage(name, from);
        try {
          imap->Append("INBOX", m.raw);
          appended.push_back({name, from, m.message_id});
        } catch (const mail::MailError& e) {
          refused.push_back(name + " from " + from + ": " + e.what());
          imap.reset(new mail::ImapClient(site.mail().Imap("RTCC")));  // a fresh connection
        }
      }
    }
  }
  std::cout << appended.size() << " hostile messages appended" << std::endl;
  for (const auto& r : refused) std::cout << "Dovecot refused " << r << std::endl;
  ASSERT_GT(appended.size(), HostileMessageNames().size()) << "most shapes are stored";

  // Then a normal request, through SMTP as a requestor's mail arrives.
  const std::string normal_id = "normal-after-hostile@pd.test";
  site.mail().Inject(kAllowed, "rtcc@pd.test",
                     RequestMessage(kAllowed, "FR request after the hostile corpus", normal_id,
                                    kFields, {kProbe}));

  // Until the request is filed and its acknowledgement handed to SMTP, and the INBOX is empty
  // (or rtccd died, or the deadline passed).
  auto filed_request = [&]() -> std::optional<casework::RequestRecord> {
    for (const auto& r : site.Store().ListRequests())
      if (r.thread_message_id == normal_id) return r;
    return std::nullopt;
  };
  auto acknowledged = [&](const std::string& id) {
    for (const auto& o : site.Store().outbox().ForRequest(id))
      if (o.kind == casework::ReplyKind::kAcknowledgement &&
          o.state == casework::OutboxState::kSent)
        return true;
    return false;
  };
  auto inbox_count = [&] { return site.mail().Imap("RTCC").Examine("INBOX").exists; };
  std::string how;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(12);
  auto started = std::chrono::steady_clock::now();
  bool alive = true;
  int locked = 0;  // polls that found the database locked
  while (std::chrono::steady_clock::now() < deadline) {
    if (!(alive = site.DaemonAlive(&how))) break;
    try {
      auto r = filed_request();
      if (r && acknowledged(r->id) && inbox_count() == 0) break;
    } catch (const casework::SqliteError& e) {
      ++locked;  // rtccd held the write lock longer than the 10 s busy timeout
      std::cout << "locked at "
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
                << " s: " << e.what() << std::endl;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::cout << "settled after "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
            << " s; " << locked << " polls found the database locked" << std::endl;
  std::string log = ReadFile(site.dir() / "rtccd.log");
  // Intake commits at least every second (kMaxWriteHold), whatever a batch holds: rtccctl and
  // the console, which wait 10 s for the lock, are never refused.
  EXPECT_EQ(locked, 0) << "polls found the database locked";

  ASSERT_TRUE(alive && site.DaemonAlive(&how))
      << "rtccd ended (" << how << "); its log ends:\n"
      << log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
  auto request = filed_request();
  ASSERT_TRUE(request.has_value()) << "the normal request was not filed";
  EXPECT_TRUE(acknowledged(request->id)) << "its acknowledgement was not handed to SMTP";
  auto imap = site.mail().Imap("RTCC");
  EXPECT_EQ(imap.Examine("INBOX").exists, 0u);

  // Every hostile message: one row with a disposition, and the folder that disposition names.
  auto rows = Dispositions(site);
  std::map<std::string, int> kinds;
  for (const auto& a : appended) {
    SCOPED_TRACE(a.name + " from " + a.from);
    auto it = rows.find(a.message_id);
    ASSERT_NE(it, rows.end()) << "never recorded";
    const Disposition& d = it->second;
    EXPECT_EQ(d.rows, 1);
    EXPECT_EQ(d.status, casework::MessageStatus::kProcessed) << d.note;
    EXPECT_TRUE(d.kind.has_value());
    ++kinds[(a.from == kAllowed ? "allowed " : "outsider ") + casework::Word(d.kind)];
    std::size_t quarantined = CountIn(imap, "rtcc-quarantine", a.message_id);
    std::size_t processed = CountIn(imap, "rtcc-processed", a.message_id);
    std::size_t failed = CountIn(imap, "rtcc-failed", a.message_id);
    if (a.from == kOutsider) {
      EXPECT_EQ(d.kind, casework::MessageKind::kUnauthorized);
      EXPECT_EQ(d.folder, "rtcc-quarantine");
      EXPECT_EQ(quarantined, 1u);
      EXPECT_EQ(processed + failed, 0u);
    } else {
      EXPECT_NE(d.kind, casework::MessageKind::kUnauthorized);
      EXPECT_TRUE(d.folder == "rtcc-processed" || d.folder == "rtcc-failed") << d.folder;
      EXPECT_EQ(processed + failed, 1u);
      EXPECT_EQ(quarantined, 0u);
    }
  }
  for (const auto& [kind, n] : kinds) std::cout << "  " << kind << ": " << n << std::endl;

  // Nothing queued or sent to an outsider: not in the outbox, not handed to Postfix.
  {
    casework::SqliteDb db(site.dir() / "data/rtcc.sqlite");
    auto q = db.Prepare("SELECT recipient, kind FROM outbox");
    while (q.Step()) EXPECT_FALSE(EndsWith(q.Text(0), "outside.test")) << q.Text(1);
  }
  EXPECT_TRUE(site.mail().WaitForQueueEmpty(60)) << "Postfix still holds mail rtccd sent";
  std::string postfix = ReadFile(site.mail().dir() / "log/postfix.log");
  EXPECT_EQ(postfix.find("@outside.test>, relay="), std::string::npos)
      << "Postfix was handed mail for an outsider";
  EXPECT_EQ(postfix.find("to=<" + kOutsider), std::string::npos);

  // Dovecot stores NUL bytes given in an APPEND literal, but serves them as 0x80 to a client that
  // did not ask for BINARY: over IMAP rtccd never sees them. HostileIntake gives rtcc the real
  // NUL bytes.
  for (const auto& from : {kAllowed, kOutsider}) {
    std::string id = HostileMessageId("nul-body", from);
    for (const std::string folder : {"rtcc-processed", "rtcc-quarantine"}) {
      auto uids = imap.FindByMessageId(folder, id);
      if (uids.empty()) continue;
      std::string raw = imap.FetchMessage(folder, imap.Examine(folder).uidvalidity, uids[0]);
      std::cout << "nul-body from " << from << " as served by Dovecot: "
                << (raw.find('\0') == std::string::npos ? "no NUL byte" : "NUL bytes") << std::endl;
    }
  }

  // What rtccd logged as an error or a warning about them.
  std::size_t errors = 0;
  for (std::size_t p = 0, e; p < log.size(); p = e + 1) {
    e = log.find('\n', p);
    if (e == std::string::npos) e = log.size();
    std::string line = log.substr(p, e - p);
    if (line.find(" error: ") == std::string::npos && line.find(" warning: ") == std::string::npos)
      continue;
    if (line.find("the gallery is empty") != std::string::npos) continue;
    if (++errors <= 20) std::cout << "rtccd: " << line.substr(0, 240) << std::endl;
  }
  std::cout << errors << " error or warning lines in rtccd.log" << std::endl;

  // No crash, no abort in the log.
  for (const char* sign : {"terminate called", "Segmentation fault", "Aborted", "stack overflow"})
    EXPECT_EQ(log.find(sign), std::string::npos) << sign;
  site.StopDaemon();
}

}  // namespace
}  // namespace rtcc::testing
