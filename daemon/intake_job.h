// Intake: takes new messages from the RTCC mailbox and turns each into casework, exactly once.
// The order for every message is fixed: count the attempt (commit) -> fetch -> spool (fsync) ->
// database commit -> act on the server (move to the processed or quarantine folder). A crash at
// any point loses nothing, and a message already recorded is never processed a second time.
// A message whose processing crashed the daemon or failed `max_attempts` times is set aside: its
// raw bytes spooled unread, recorded as failed (MessageKind::kFailed), moved to the failed folder
// (issue 9). After an unfinished attempt, messages are taken one at a time, so one that brings the
// daemon down never takes the rest of its batch with it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "casework/intake_attempts.h"
#include "casework/spool.h"
#include "casework/store.h"
#include "casework/workflow.h"
#include "config/config.h"
#include "daemon/reply_composer.h"
#include "daemon/thread_token.h"
#include "mail/imap_client.h"
#include "mail/incident_number.h"
#include "mail/mime_message.h"

namespace rtcc::daemon {

struct IntakeSettings {
  config::MailboxSettings mailbox;
  config::SenderRules senders;
  std::string own_address;         // rtcc's own address: mail from it is never answered
  int max_automatic_replies = 10;  // per request: stops any mail loop
  // Policy 4.5.2 flags; empty: casework's built-in phrases.
  std::vector<casework::ProhibitedPhrase> prohibited_phrases;
  // Photographs searched per message; more are recorded and named in the reply as not used (a
  // message of 10,000 images must not become a request of 10,000 probes).
  int max_probes = 20;
  // The department's incident numbers, read from the subject or unlabelled text when no label
  // gives one (mail/incident_number.h).
  std::string incident_number_format = "YY-NNNNNN";
};

class IntakeJob {
 public:
  // Keeps references to `store`, `spool`, `replies` and `tokens`, which must outlive it.
  IntakeJob(casework::Store& store, casework::Spool& spool, ReplyComposer& replies,
            const ThreadToken& tokens, IntakeSettings settings);

  // Creates the processed, quarantine and failed folders when missing.
  void PrepareMailbox(mail::ImapClient& imap);

  // One pass over the inbox, at most `batch_size` new messages: each is recorded and processed,
  // then moved. Returns the number of messages taken; `more` tells whether the inbox holds more.
  // Throws mail::MailError when the server fails; what was committed stays committed and the
  // next poll resumes.
  int Poll(mail::ImapClient& imap, bool* more = nullptr);

  // Processes messages recorded but not yet processed (e.g. after a crash between the two), or
  // sets them aside when their attempts are spent. Returns how many were processed.
  int ProcessSpooled();

  // The folder a processed message of `kind` is moved to: the quarantine folder for unauthorized
  // senders, the failed folder for messages set aside, the processed folder for everything else.
  std::string FolderFor(casework::MessageKind kind) const;

  // The message as far as intake reads it: all of it from a sender on the allow-list; from anyone
  // else the header only (policy 4.5: a stranger's mail is quarantined unread), unless the header
  // says it is automatic mail that may report on one of rtcc's own replies (a bounce).
  mail::MimeMessage Read(std::string_view raw) const;

 private:
  // Processes a recorded, unprocessed message unless its attempts are spent (then sets it aside
  // in the store); counts the attempt first. Returns its folder, or "" when it failed this time.
  std::string ProcessOrSetAside(const casework::MessageRecord& message);
  // Sets aside a message the inbox still holds and the store has not recorded: its bytes are
  // fetched and spooled unread, recorded as failed and moved to the failed folder.
  void SetAside(mail::ImapClient& imap, std::uint32_t uidvalidity, std::uint32_t uid);
  // Marks a recorded message failed with an event and a log line (inside the caller's
  // transaction).
  void MarkFailed(const casework::MessageRecord& message, const casework::MessageKey& key);
  // Takes new messages: fetch, spool (one sync), record and process (one transaction), move.
  int TakeBatch(mail::ImapClient& imap, std::uint32_t uidvalidity,
                const std::vector<std::uint32_t>& uids);
  // Processes a recorded message read from the spool, in its own transaction; returns its folder.
  std::string Process(const casework::MessageRecord& message);
  // Processes a recorded message inside the caller's transaction; returns the folder it belongs
  // in and sets `log` to a line for the log (to be written once the transaction committed).
  // Probe images are spooled deferred: the caller calls spool_.Sync() before committing.
  std::string ProcessRecorded(const casework::MessageRecord& message,
                              const mail::MimeMessage& parsed, std::string* log);
  // The message as casework sees it: fields, probes (spooled), thread, sender checks.
  casework::IncomingMail Describe(const casework::MessageRecord& record,
                                  const mail::MimeMessage& m);

  casework::Store& store_;
  casework::Spool& spool_;
  ReplyComposer& replies_;
  const ThreadToken& tokens_;
  IntakeSettings settings_;
  casework::IntakeAttempts attempts_;
  mail::IncidentNumberFormat incident_numbers_;  // settings_.incident_number_format
};

}  // namespace rtcc::daemon
