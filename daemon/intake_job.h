// Intake: takes new messages from the RTCC mailbox and turns each into casework, exactly once.
// The order for every message is fixed: fetch -> spool (fsync) -> database commit -> act on the
// server (move to the processed or quarantine folder). A crash at any point loses nothing, and a
// message already recorded is never processed a second time.
#pragma once

#include <string>

#include "casework/spool.h"
#include "casework/store.h"
#include "casework/workflow.h"
#include "config/config.h"
#include "daemon/reply_composer.h"
#include "mail/imap_client.h"

namespace rtcc::daemon {

class IntakeJob {
 public:
  IntakeJob(casework::Store& store, casework::Spool& spool, ReplyComposer& replies,
            const config::MailboxSettings& mailbox, casework::SenderPolicy senders,
            std::string own_address);

  // Creates the processed and quarantine folders when missing.
  void PrepareMailbox(mail::ImapClient& imap);

  // One pass over the inbox: every message is recorded and processed, then moved. Returns the
  // number of messages taken. Throws mail::MailError when the server fails; what was committed
  // stays committed and the next poll resumes.
  int Poll(mail::ImapClient& imap);

  // Processes messages recorded but not yet processed (e.g. after a crash between the two).
  // Returns how many were processed.
  int ProcessSpooled();

 private:
  // Records, processes and moves one message of the inbox; true when it was new.
  bool TakeMessage(mail::ImapClient& imap, std::uint32_t uidvalidity, std::uint32_t uid);
  // Processes one recorded message in one transaction and returns the folder it belongs in.
  std::string Process(const casework::MessageRecord& message);
  std::string FolderFor(const std::string& kind) const;

  casework::Store& store_;
  casework::Spool& spool_;
  ReplyComposer& replies_;
  config::MailboxSettings mailbox_;
  casework::SenderPolicy senders_;
  std::string own_address_;
};

}  // namespace rtcc::daemon
