// Issue 17: the test messages of three mature MIME parsers (../shared/mail/peer-corpus/: the Ruby
// mail gem, Go's enmime, Apache mime4j; 270 messages rtcc never saw while it was written) through
// a real Dovecot and IntakeJob::Poll, as rtccd takes mail: once as they are (strangers' mail) and
// once with the sender made an allowed one (the From field rewritten). Nothing may crash or be
// lost: every message leaves the INBOX for one of rtcc's folders with exactly one recorded
// disposition, and only a message whose content was seen before is a duplicate (a shared
// Message-ID is not enough: 57 of these share one). The per-kind counts are printed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "daemon/intake_job.h"
#include "mail/message_digest.h"
#include "testing/mail_stack.h"

namespace rtcc::testing {
namespace {

const std::filesystem::path kPeerCorpus = RTCC_PEER_CORPUS_DIR;

std::vector<std::pair<std::string, std::string>> LoadPeerCorpus() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& entry : std::filesystem::directory_iterator(kPeerCorpus)) {
    if (entry.path().extension() != ".eml") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    out.emplace_back(entry.path().filename().string(),
                     std::string(std::istreambuf_iterator<char>(in), {}));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// `raw` from an allowed sender: its From field (with folded lines) replaced. A first line written
// indented (" From: ...") is read as a field, as rtcc reads it.
std::string FromAllowedSender(const std::string& original) {
  const std::string raw =
      original.substr(std::min(original.find_first_not_of(" \t"), original.size()));
  std::string_view head = mail::HeaderSection(raw);
  std::string out = "From: Peer Corpus <peer@pd.test>\r\n";
  bool in_from = false;
  std::size_t pos = 0;
  while (pos < head.size()) {
    std::size_t nl = head.find('\n', pos);
    std::size_t next = nl == std::string_view::npos ? head.size() : nl + 1;
    std::string_view line = head.substr(pos, next - pos);
    bool folded = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (!folded) {
      std::string name(line.substr(0, std::min<std::size_t>(5, line.size())));
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      in_from = name == "from:";
    }
    if (!in_from) out.append(line);
    pos = next;
  }
  return out + raw.substr(head.size());
}

struct Pass {
  std::map<std::string, int> kinds;  // disposition -> messages
  int appended = 0;
  int duplicates_expected = 0;
};

class PeerCorpus : public MailStackTest {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPeerCorpus)) GTEST_SKIP() << "no peer corpus at " << kPeerCorpus;
    MailStackTest::SetUp();
  }

  // Every message of `corpus` (rewritten by `change`) through a fresh rtcc and the INBOX.
  Pass Run(const std::string& name, std::string (*change)(const std::string&)) {
    Pass pass;
    auto home = dir_ / name;
    std::filesystem::create_directories(home);
    casework::Store store(home / "db.sqlite");
    casework::Spool spool(home / "spool");
    templates::TemplateSet templates(RTCC_TEMPLATES_DIR, daemon::RequiredTemplates());
    daemon::ThreadToken tokens{std::string(32, 'p')};
    daemon::ReplyComposer replies(templates, {"rtcc@pd.test", "RTCC", "RTCC"}, tokens);
    config::SenderRules senders;
    senders.allowed_domains = {"pd.test"};
    daemon::IntakeJob job(store, spool, replies, tokens,
                          {config::MailboxSettings{}, senders, "rtcc@pd.test", 3, {}});
    mail::ImapClient imap = stack_->Imap("RTCC");
    job.PrepareMailbox(imap);

    std::set<std::string> digests;
    std::map<std::uint32_t, std::string> file_of_uid;
    for (const auto& [file, original] : LoadPeerCorpus()) {
      std::string raw = change ? change(original) : original;
      std::uint32_t uid = imap.Examine("INBOX").uidnext;
      imap.Append("INBOX", raw);
      file_of_uid[uid] = file;
      ++pass.appended;
      if (!digests.insert(mail::ContentDigest(raw)).second) ++pass.duplicates_expected;
    }
    const std::uint32_t uidvalidity = imap.Examine("INBOX").uidvalidity;
    bool more = true;
    for (int polls = 0; more && polls < 100; ++polls) {
      try {
        job.Poll(imap, &more);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "Poll threw: " << e.what();
        break;
      }
    }
    EXPECT_EQ(imap.Examine("INBOX").exists, 0u) << "nothing is left in the INBOX";
    std::size_t filed = 0;
    for (const char* folder : {"rtcc-processed", "rtcc-quarantine", "rtcc-failed"})
      filed += imap.SearchUids(folder, "ALL").size();
    EXPECT_EQ(filed, static_cast<std::size_t>(pass.appended)) << "every message is in a folder";

    for (const auto& [uid, file] : file_of_uid) {
      auto row = store.messages().Find("INBOX", uidvalidity, uid);
      if (!row) {
        ADD_FAILURE() << file << ": no disposition recorded";
        continue;
      }
      EXPECT_EQ(row->status, casework::MessageStatus::kProcessed) << file;
      std::string kind = row->kind ? std::string(casework::Word(*row->kind)) : "(none)";
      ++pass.kinds[kind];
      if (row->kind == casework::MessageKind::kFailed)
        ADD_FAILURE() << file << " was set aside: " << row->note;
    }
    EXPECT_EQ(pass.kinds["duplicate"], pass.duplicates_expected)
        << "only a message seen before is a duplicate";
    std::cout << name << ": " << pass.appended << " messages;";
    for (const auto& [kind, n] : pass.kinds) std::cout << " " << kind << " " << n;
    std::cout << "\n";
    return pass;
  }
};

TEST_F(PeerCorpus, AsTheyAreNothingIsLostAndStrangersAreQuarantined) {
  Pass pass = Run("as-is", nullptr);
  EXPECT_GE(pass.appended, 250);
  EXPECT_EQ(pass.kinds["request"], 0) << "none of these senders is allowed";
}

TEST_F(PeerCorpus, FromAnAllowedSenderEveryMessageHasItsOwnDisposition) {
  Pass pass = Run("allowed", FromAllowedSender);
  EXPECT_EQ(pass.kinds["unauthorized"], 0);
  EXPECT_GE(pass.kinds["request"], 150) << "most are filed as requests";
}

}  // namespace
}  // namespace rtcc::testing
