// The corpus of tests/corpus/ (testing/corpus_cases.h: one .eml per message shaped as Outlook,
// Gmail, Apple Mail, an iPhone, Postfix, Exchange... really send it) run through the real intake
// processing: IntakeJob with the SQLite store, the spool, casework's workflow, the reply composer
// and the shipped templates. Each message must end as its case expects. The same corpus goes
// through a real Dovecot in tests/corpus_imap_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <set>

#include "daemon/intake_job.h"
#include "mail/mime_message.h"
#include "testing/corpus_cases.h"

namespace rtcc::daemon {
namespace {

using testing::CorpusCase;
using testing::CorpusPrior;

constexpr std::int64_t kMaxMessageBytes = 2 * 1024 * 1024;  // the oversize case is ~3 MB
constexpr const char* kQuarantine = "rtcc-quarantine";

class IntakeCorpus : public ::testing::TestWithParam<CorpusCase> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& ch : name)
      if (ch == '/') ch = '_';
    dir_ = std::filesystem::temp_directory_path() /
           ("rtcc-corpus-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::make_unique<casework::Store>(dir_ / "db.sqlite");
    spool_ = std::make_unique<casework::Spool>(dir_ / "spool");
    templates_ = std::make_unique<templates::TemplateSet>(RTCC_TEMPLATES_DIR, RequiredTemplates());
    replies_ = std::make_unique<ReplyComposer>(
        *templates_, MailIdentity{"rtcc@pd.test", "Real Time Crime Center", "RTCC"}, tokens_);
    config::SenderRules senders;
    senders.allowed_domains = {"pd.test"};
    senders.allowed_addresses = {"det.alvarez.mpd@gmail.com"};
    if (GetParam().require_auth) {
      senders.require_authentication = config::SenderAuthentication::kDmarc;
      senders.authserv_id = "mx.pd.test";
    }
    config::MailboxSettings mailbox;
    mailbox.max_message_bytes = kMaxMessageBytes;
    job_ = std::make_unique<IntakeJob>(*store_, *spool_, *replies_, tokens_,
                                       IntakeSettings{mailbox, senders, "rtcc@pd.test", 10, {}});
  }
  void TearDown() override {
    job_.reset();
    store_.reset();
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  // Takes `raw` as IntakeJob::Poll does (a message over the cap: its header only, the size as
  // the server reported it), records it and processes it. Returns its row.
  casework::MessageRecord Deliver(const std::string& raw) {
    static std::uint32_t uid = 0;
    bool headers_only = static_cast<std::int64_t>(raw.size()) > kMaxMessageBytes;
    std::string taken = raw;
    if (headers_only) {
      auto end = raw.find("\r\n\r\n");
      taken = raw.substr(0, end == std::string::npos ? raw.size() : end + 4);
    }
    std::string sha = spool_->Put("messages", taken);
    store_->messages().Record({"INBOX", 7, ++uid, sha, mail::ParseMimeMessage(taken).message_id,
                               static_cast<std::int64_t>(raw.size()), headers_only});
    EXPECT_EQ(job_->ProcessSpooled(), 1);
    return *store_->messages().Find("INBOX", 7, uid);
  }

  // The case's `after` message: processed, then searched and answered when the case says so.
  CorpusPrior Before(const CorpusCase& c) {
    CorpusPrior prior;
    if (!c.after) return prior;
    bool unused = false;
    auto message =
        Deliver(LoadCorpusMessage(CorpusCase{.file = c.after, .what = "prior"}, prior, &unused));
    if (!message.request_id) throw std::runtime_error(std::string(c.after) + " filed nothing");
    prior.request_id = *message.request_id;
    if (c.searched) testing::ApproveSearchAndAnswer(*store_, *replies_, prior.request_id);
    testing::SendAllQueued(*store_);
    prior.rtcc_message_id = store_->outbox().ForRequest(prior.request_id).back().message_id;
    return prior;
  }

  std::filesystem::path dir_;
  std::unique_ptr<casework::Store> store_;
  std::unique_ptr<casework::Spool> spool_;
  std::unique_ptr<templates::TemplateSet> templates_;
  ThreadToken tokens_{std::string(32, 'c')};
  std::unique_ptr<ReplyComposer> replies_;
  std::unique_ptr<IntakeJob> job_;
};

TEST_P(IntakeCorpus, ExpectedOutcome) {
  const CorpusCase& c = GetParam();
  SCOPED_TRACE(std::string(c.file) + ": " + c.what);
  CorpusPrior prior = Before(c);
  bool no_heic_encoder = false;
  std::string raw = LoadCorpusMessage(c, prior, &no_heic_encoder);
  if (no_heic_encoder) GTEST_SKIP() << "this libheif has no HEVC encoder";
  auto before = store_->ListRequests().size();

  casework::MessageRecord m = Deliver(raw);
  EXPECT_EQ(m.status, casework::MessageStatus::kProcessed);
  ASSERT_EQ(m.kind, c.kind) << m.note;
  EXPECT_EQ(job_->FolderFor(*m.kind) == kQuarantine, c.quarantined) << m.note;

  // The request it filed or belongs to.
  ASSERT_EQ(m.request_id.has_value(), c.state.has_value()) << m.note;
  EXPECT_EQ(store_->ListRequests().size(), before + (c.state && !c.on_prior_request ? 1 : 0))
      << "a message files at most one request, and only when it should";
  if (c.on_prior_request) {
    EXPECT_EQ(m.request_id, prior.request_id);
  }
  if (c.state) {
    casework::RequestRecord r = store_->GetRequest(*m.request_id);
    EXPECT_EQ(r.state, *c.state) << casework::ToString(r.state);
    auto probes = store_->Probes(r.id);
    EXPECT_EQ(probes.size(), static_cast<std::size_t>(c.probes));
    for (std::size_t i = 0; i < c.probe_types.size() && i < probes.size(); ++i)
      EXPECT_EQ(probes[i].content_type, c.probe_types[i]);
    EXPECT_TRUE(c.probe_types.empty() || c.probe_types.size() == probes.size());
    for (std::size_t i = 0; i < c.probe_names.size() && i < probes.size(); ++i)
      EXPECT_EQ(probes[i].filename, c.probe_names[i]);
    EXPECT_TRUE(c.probe_names.empty() || c.probe_names.size() == probes.size());
    for (const auto& p : probes)  // what the matcher will read is what was attached
      EXPECT_EQ(spool_->Get("probes", p.sha256).size(), static_cast<std::size_t>(p.size));
    // A new request holds exactly the fields expected (none where none is listed); a request
    // the message belongs to is checked for the fields listed.
    if (!c.on_prior_request || c.incident_number) {
      EXPECT_EQ(r.incident_number, c.incident_number);
    }
    if (!c.on_prior_request || c.incident_type) {
      EXPECT_EQ(r.incident_type, c.incident_type);
    }
    if (!c.on_prior_request || c.purpose) {
      EXPECT_EQ(r.purpose_text, c.purpose);
    }
    for (const auto& s : c.notes_say) EXPECT_NE(r.notes.find(s), std::string::npos) << r.notes;
    std::string history;
    for (const auto& e : store_->Events(r.id)) history += e.action + ": " + e.detail + "\n";
    for (const auto& e : c.events)
      EXPECT_NE(history.find("\n" + e), std::string::npos) << e << "\nhistory:\n" << history;
  }
  if (c.positive_identification) {
    auto searches = store_->Searches(*m.request_id);
    ASSERT_FALSE(searches.empty());
    EXPECT_EQ(searches.back().positive_identification, c.positive_identification);
  }

  // The reply it gets, if any: exactly one, threaded to it, never for automatic mail.
  auto queued = store_->outbox().Pending();
  if (!c.reply) {
    EXPECT_TRUE(queued.empty()) << ToString(queued.front().kind) << " queued for " << c.file;
    return;
  }
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].kind, c.reply);
  mail::MimeMessage reply = mail::ParseMimeMessage(queued[0].raw);
  mail::MimeMessage incoming = mail::ParseMimeMessage(raw);
  EXPECT_EQ(queued[0].recipient, incoming.from_address);
  EXPECT_EQ(reply.in_reply_to, incoming.message_id);
  EXPECT_EQ(reply.auto_submitted, "auto-replied");
  for (const auto& s : c.reply_says)
    EXPECT_NE(reply.text_body.find(s), std::string::npos) << s << "\nreply:\n" << reply.text_body;
}

std::string CaseName(const ::testing::TestParamInfo<CorpusCase>& info) {
  std::string name = std::filesystem::path(info.param.file).stem().string();
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, IntakeCorpus, ::testing::ValuesIn(testing::CorpusCases()),
                         CaseName);

// Every .eml in tests/corpus/ has its expected outcome in kCorpus, and there are at least 25.
TEST(IntakeCorpusTable, EveryMessageHasAnExpectedOutcome) {
  std::set<std::string> listed;
  for (const auto& c : testing::CorpusCases()) listed.insert(c.file);
  std::set<std::string> on_disk;
  for (const auto& e : std::filesystem::directory_iterator(RTCC_CORPUS_DIR))
    if (e.path().extension() == ".eml") on_disk.insert(e.path().filename().string());
  EXPECT_EQ(listed, on_disk);
  EXPECT_GE(on_disk.size(), 25u);
}

}  // namespace
}  // namespace rtcc::daemon
