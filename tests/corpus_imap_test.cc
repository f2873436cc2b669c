// The corpus of tests/corpus/ through a real Dovecot on loopback: each message is appended to
// rtcc's INBOX and taken by IntakeJob::Poll as rtccd takes it (sizes first, the header only of
// mail over the cap, spool, one transaction, one MOVE per folder). Each must end in the folder,
// with the kind, request state and reply its case expects (testing/corpus_cases.h). The finer
// expectations (probes, fields, reply text, events) are checked without a server by
// daemon/intake_corpus_test.cc on the same corpus.
#include <gtest/gtest.h>
#include <unistd.h>

#include "daemon/intake_job.h"
#include "testing/corpus_cases.h"
#include "testing/mail_stack.h"

namespace rtcc::testing {
namespace {

using testing::CorpusCase;
using testing::CorpusPrior;

constexpr std::int64_t kMaxMessageBytes = 2 * 1024 * 1024;  // the oversize case is ~3 MB

// One rtcc installation (store, spool, replies, intake) per case, all on one mail stack.
struct Installation {
  explicit Installation(const std::filesystem::path& dir)
      : store(dir / "db.sqlite"),
        spool(dir / "spool"),
        templates(RTCC_TEMPLATES_DIR, daemon::RequiredTemplates()),
        replies(templates, daemon::MailIdentity{"rtcc@pd.test", "Real Time Crime Center", "RTCC"},
                tokens),
        job(store, spool, replies, tokens, Settings()) {}

  static daemon::IntakeSettings Settings() {
    config::MailboxSettings mailbox;
    mailbox.max_message_bytes = kMaxMessageBytes;
    config::SenderRules senders;
    senders.allowed_domains = {"pd.test"};
    senders.allowed_addresses = {"det.alvarez.mpd@gmail.com"};
    return {mailbox, senders, "rtcc@pd.test", 10, {}};
  }

  casework::Store store;
  casework::Spool spool;
  templates::TemplateSet templates;
  daemon::ThreadToken tokens{std::string(32, 'i')};
  daemon::ReplyComposer replies;
  daemon::IntakeJob job;
};

class CorpusOverImap : public MailStackTest {
 protected:
  // Appends `raw` to the INBOX, polls once, and returns the row of the message taken.
  static casework::MessageRecord TakeOne(mail::ImapClient& imap, Installation& rtcc,
                                         const std::string& raw) {
    mail::MailboxStatus before = imap.Examine("INBOX");
    imap.Append("INBOX", raw);
    EXPECT_EQ(rtcc.job.Poll(imap), 1);
    auto row = rtcc.store.messages().Find("INBOX", before.uidvalidity, before.uidnext);
    if (!row) throw std::runtime_error("the appended message was not recorded");
    return *row;
  }
};

TEST_F(CorpusOverImap, EveryMessageEndsWhereItsCaseSays) {
  mail::ImapClient imap = stack_->Imap("RTCC");
  int taken = 0;
  for (const CorpusCase& c : testing::CorpusCases()) {
    if (c.require_auth) continue;  // one sender policy here; those cases run in intake_corpus_test
    SCOPED_TRACE(std::string(c.file) + ": " + c.what);
    auto home = dir_ / std::filesystem::path(c.file).stem();
    std::filesystem::create_directories(home);
    Installation rtcc(home);
    rtcc.job.PrepareMailbox(imap);
    CorpusPrior prior;
    bool no_heic_encoder = false;
    if (c.after) {
      auto first = TakeOne(
          imap, rtcc,
          testing::LoadCorpusMessage({.file = c.after, .what = "prior"}, prior, &no_heic_encoder));
      ASSERT_TRUE(first.request_id.has_value()) << first.note;
      prior.request_id = *first.request_id;
      if (c.searched) testing::ApproveSearchAndAnswer(rtcc.store, rtcc.replies, prior.request_id);
      testing::SendAllQueued(rtcc.store);
      prior.rtcc_message_id = rtcc.store.outbox().ForRequest(prior.request_id).back().message_id;
    }
    std::string raw = testing::LoadCorpusMessage(c, prior, &no_heic_encoder);
    if (no_heic_encoder) continue;

    casework::MessageRecord m = TakeOne(imap, rtcc, raw);
    ++taken;
    EXPECT_EQ(m.kind, c.kind) << m.note;
    EXPECT_EQ(m.headers_only, static_cast<std::int64_t>(raw.size()) > kMaxMessageBytes);
    std::string folder = c.quarantined ? "rtcc-quarantine" : "rtcc-processed";
    EXPECT_EQ(m.folder, folder) << "recorded as moved there";
    EXPECT_EQ(imap.Examine("INBOX").exists, 0u) << "nothing is left behind in the inbox";
    std::string message_id = mail::ParseMimeMessage(raw).message_id;
    EXPECT_FALSE(imap.FindByMessageId(folder, message_id).empty())
        << message_id << " is on the server in " << folder;

    ASSERT_EQ(m.request_id.has_value(), c.state.has_value()) << m.note;
    if (c.on_prior_request) {
      EXPECT_EQ(m.request_id, prior.request_id);
    }
    if (c.state) {
      auto r = rtcc.store.GetRequest(*m.request_id);
      EXPECT_EQ(r.state, *c.state) << casework::ToString(r.state);
      EXPECT_EQ(rtcc.store.Probes(r.id).size(), static_cast<std::size_t>(c.probes));
    }
    auto queued = rtcc.store.outbox().Pending();
    if (!c.reply) {
      EXPECT_TRUE(queued.empty()) << ToString(queued.front().kind);
    } else {
      ASSERT_EQ(queued.size(), 1u);
      EXPECT_EQ(queued[0].kind, c.reply);
    }
  }
  EXPECT_GE(taken, 25) << "the corpus went through the server";
}

}  // namespace
}  // namespace rtcc::testing
