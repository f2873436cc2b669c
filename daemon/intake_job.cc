#include "daemon/intake_job.h"

#include <spdlog/spdlog.h>

#include <set>

#include "mail/body_fields.h"
#include "mail/mime_message.h"

namespace rtcc::daemon {
namespace {

// RFC 3834 and common practice: mail written by a program, which must never be answered.
bool IsAutomatic(const mail::MimeMessage& m, const std::string& own_address) {
  if (!m.auto_submitted.empty() && m.auto_submitted != "no") return true;
  if (m.precedence == "bulk" || m.precedence == "junk" || m.precedence == "list") return true;
  if (m.return_path == "<>") return true;
  if (m.from_address.empty() || m.from_address == own_address) return true;
  auto local = m.from_address.substr(0, m.from_address.find('@'));
  return local == "mailer-daemon" || local == "postmaster";
}

}  // namespace

IntakeJob::IntakeJob(casework::Store& store, casework::Spool& spool, ReplyComposer& replies,
                     const config::MailboxSettings& mailbox, casework::SenderPolicy senders,
                     std::string own_address)
    : store_(store),
      spool_(spool),
      replies_(replies),
      mailbox_(mailbox),
      senders_(std::move(senders)),
      own_address_(std::move(own_address)) {}

void IntakeJob::PrepareMailbox(mail::ImapClient& imap) {
  imap.EnsureMailbox(mailbox_.processed_folder);
  imap.EnsureMailbox(mailbox_.quarantine_folder);
}

std::string IntakeJob::FolderFor(const std::string& kind) const {
  return kind == "unauthorized" ? mailbox_.quarantine_folder : mailbox_.processed_folder;
}

int IntakeJob::Poll(mail::ImapClient& imap) {
  const std::string& inbox = mailbox_.inbox;
  mail::MailboxStatus status = imap.Examine(inbox);
  if (status.exists == 0) return 0;
  int taken = 0;
  for (std::uint32_t uid : imap.SearchUids(inbox, "ALL")) {
    try {
      if (TakeMessage(imap, status.uidvalidity, uid)) ++taken;
    } catch (const mail::MailError&) {
      throw;  // the server: stop this poll, the next one resumes
    } catch (const std::exception& e) {
      // This message only: it stays in the inbox (and, once recorded, in the spool) and is
      // retried on the next poll; the messages behind it go on.
      spdlog::error("message uid {} not handled, will retry: {}", uid, e.what());
    }
  }
  return taken;
}

bool IntakeJob::TakeMessage(mail::ImapClient& imap, std::uint32_t uidvalidity, std::uint32_t uid) {
  const std::string& inbox = mailbox_.inbox;
  if (auto known = store_.FindMessage(inbox, uidvalidity, uid)) {
    // Recorded before a crash or a failed move: finish the job, never redo it.
    std::string folder = known->status == "processed" ? FolderFor(known->kind) : Process(*known);
    imap.MoveMessage(inbox, uid, folder);
    store_.MarkMessageMoved(known->id, folder);
    return false;
  }
  std::string raw = imap.FetchMessage(inbox, uidvalidity, uid);
  std::string sha = spool_.Put("messages", raw);  // durable before the row that names it
  std::string message_id = mail::ParseMimeMessage(raw).message_id;
  auto earlier = store_.FindMessageByContent(sha, message_id);
  std::string folder = mailbox_.processed_folder;
  auto txn = store_.Begin();
  std::int64_t row = store_.RecordMessage(
      {inbox, uidvalidity, uid, sha, message_id, static_cast<std::int64_t>(raw.size())});
  if (earlier) {
    // The same message seen before under another UID (redelivery, UIDVALIDITY change).
    store_.MarkMessageProcessed(row, "duplicate", earlier->request_id,
                                "same message as #" + std::to_string(earlier->id));
    txn.Commit();
    spdlog::info("message uid {} is a duplicate of message #{}; not processed again", uid,
                 earlier->id);
  } else {
    txn.Commit();
    folder = Process(*store_.FindMessage(inbox, uidvalidity, uid));
  }
  imap.MoveMessage(inbox, uid, folder);
  store_.MarkMessageMoved(row, folder);
  return true;
}

int IntakeJob::ProcessSpooled() {
  int n = 0;
  for (const auto& m : store_.MessagesToProcess()) {
    try {
      Process(m);
      ++n;
    } catch (const std::exception& e) {
      spdlog::error("message #{} not handled, will retry: {}", m.id, e.what());
    }
  }
  return n;
}

std::string IntakeJob::Process(const casework::MessageRecord& record) {
  std::string raw = spool_.Get("messages", record.sha256);
  mail::MimeMessage m = mail::ParseMimeMessage(raw);
  mail::BodyFields fields = mail::ExtractBodyFields(m.text_body);

  casework::IncomingMail in;
  in.message_row = record.id;
  in.from_address = m.from_address;
  in.from_name = m.from_name;
  in.subject = m.subject;
  in.message_id = m.message_id;
  in.thread_ids = m.references;
  if (!m.in_reply_to.empty()) in.thread_ids.push_back(m.in_reply_to);
  in.automatic = IsAutomatic(m, own_address_);
  in.incident_number = fields.incident_number;
  in.incident_type = fields.incident_type;
  in.purpose = fields.purpose;
  in.outcome = fields.outcome;
  in.notes = fields.notes;
  std::set<std::string> seen;
  for (const auto& img : m.images) {
    std::string_view bytes(reinterpret_cast<const char*>(img.data.data()), img.data.size());
    std::string sha = spool_.Put("probes", bytes);
    if (!seen.insert(sha).second) continue;  // the same image attached twice is one probe
    in.images.push_back(
        {img.filename, img.content_type, sha, static_cast<std::int64_t>(img.data.size())});
  }

  auto txn = store_.Begin();
  casework::IntakeResult result = casework::Intake(store_, in, senders_);
  if (result.request_id) {
    casework::RequestRecord r = store_.GetRequest(*result.request_id);
    switch (result.reply) {
      case casework::Reply::kAcknowledgement:
        replies_.QueueAcknowledgement(store_, r, m.message_id);
        break;
      case casework::Reply::kNeedsInfo:
        replies_.QueueNeedsInfo(store_, r, result.missing, m.message_id);
        break;
      case casework::Reply::kOutcomeRecorded:
      case casework::Reply::kOutcomeUnclear:
        replies_.QueueOutcomeReply(store_, r, result.reply == casework::Reply::kOutcomeRecorded,
                                   in.outcome.value_or(""), m.message_id);
        break;
      case casework::Reply::kNone:
        break;
    }
  }
  store_.MarkMessageProcessed(record.id, result.kind, result.request_id, result.note);
  txn.Commit();
  spdlog::info("message #{} from {}: {}{}{}", record.id, m.from_address, result.kind,
               result.request_id ? " " + *result.request_id : "",
               result.note.empty() ? "" : " (" + result.note + ")");
  return FolderFor(result.kind);
}

}  // namespace rtcc::daemon
