#include "daemon/intake_job.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <set>

#include "base/sha256.h"
#include "mail/automatic_mail.h"
#include "mail/body_fields.h"
#include "mail/message_digest.h"
#include "mail/mime_message.h"
#include "mail/sender_authentication.h"
#include "mail/subject.h"

namespace rtcc::daemon {
namespace {

// Mail's words for automatic mail in casework's: the one place they meet.
casework::Automatic ToCasework(mail::AutomaticKind kind) {
  switch (kind) {
    case mail::AutomaticKind::kPerson:
      return casework::Automatic::kNo;
    case mail::AutomaticKind::kAutoReply:
      return casework::Automatic::kAutoReply;
    case mail::AutomaticKind::kDeliveryReport:
      return casework::Automatic::kDeliveryReport;
    case mail::AutomaticKind::kOther:
      break;
  }
  return casework::Automatic::kOther;
}

casework::DeliveryAction ToCasework(mail::DeliveryAction action) {
  switch (action) {
    case mail::DeliveryAction::kFailed:
      return casework::DeliveryAction::kFailed;
    case mail::DeliveryAction::kDelayed:
      return casework::DeliveryAction::kDelayed;
    case mail::DeliveryAction::kOther:
      break;
  }
  return casework::DeliveryAction::kOther;
}

// References looked up per message: the thread's root and the newest ones.
constexpr std::size_t kMaxThreadIds = 100;

// Where the text of automatic mail is searched for the Message-ID it reports on, and how many ids
// found there are checked: a bounce quotes the returned header near its start.
constexpr std::size_t kMaxReportScanBytes = 256 * 1024;
constexpr std::size_t kMaxReportedMessageIds = 100;

// How long intake holds SQLite's write lock at a stretch (rtccctl waits up to 10 s for it).
constexpr std::chrono::milliseconds kMaxWriteHold{1000};

// The outcome as the requestor wrote it, for the reply that answers it: the "Outcome:" line, or
// the first line of a reply in plain words.
std::string OutcomeAsWritten(const casework::IncomingMail& in,
                             const casework::IntakeResult& result) {
  if (in.outcome) return *in.outcome;
  if (result.kind != casework::MessageKind::kOutcome) return "";
  std::string first = in.notes.substr(0, in.notes.find('\n'));
  return first.size() > 200 ? first.substr(0, 200) + "..." : first;
}

}  // namespace

IntakeJob::IntakeJob(casework::Store& store, casework::Spool& spool, ReplyComposer& replies,
                     const ThreadToken& tokens, IntakeSettings settings)
    : store_(store),
      spool_(spool),
      replies_(replies),
      tokens_(tokens),
      settings_(std::move(settings)),
      attempts_(store.db()),
      incident_numbers_(settings_.incident_number_format) {}

void IntakeJob::PrepareMailbox(mail::ImapClient& imap) {
  imap.EnsureMailbox(settings_.mailbox.processed_folder);
  imap.EnsureMailbox(settings_.mailbox.quarantine_folder);
  imap.EnsureMailbox(settings_.mailbox.failed_folder);
}

std::string IntakeJob::FolderFor(casework::MessageKind kind) const {
  if (kind == casework::MessageKind::kUnauthorized) return settings_.mailbox.quarantine_folder;
  if (kind == casework::MessageKind::kFailed) return settings_.mailbox.failed_folder;
  return settings_.mailbox.processed_folder;
}

mail::MimeMessage IntakeJob::Read(std::string_view raw) const {
  mail::MimeMessage head = mail::ParseMimeMessage(mail::HeaderSection(raw));
  bool allowed = casework::IsAuthorizedSender(head.from_address, settings_.senders.allowed_domains,
                                              settings_.senders.allowed_addresses);
  if (!allowed &&
      mail::ClassifyAutomatic(head, settings_.own_address) == mail::AutomaticKind::kPerson &&
      head.report_type.empty()) {
    head.raw_size = raw.size();
    return head;
  }
  mail::MimeMessage m = mail::ParseMimeMessage(raw);
  // A bounce or auto-reply that does not say in its structure which message it is about (a
  // plain-text bounce, a report without the returned header): the ids its text quotes. Only
  // rtcc's own, with a valid reply token, will count (Describe).
  if (m.reported_message_ids.empty() &&
      mail::ClassifyAutomatic(m, settings_.own_address) != mail::AutomaticKind::kPerson)
    m.reported_message_ids =
        mail::MessageIdsIn(raw.substr(0, kMaxReportScanBytes), kMaxReportedMessageIds);
  return m;
}

int IntakeJob::Poll(mail::ImapClient& imap, bool* more) {
  const std::string& inbox = settings_.mailbox.inbox;
  if (more) *more = false;
  mail::MailboxStatus status = imap.Examine(inbox);
  if (status.exists == 0) return 0;
  std::vector<std::uint32_t> fresh;
  std::vector<std::uint32_t> suspects;  // an attempt on them began and never finished
  int set_aside = 0;
  for (std::uint32_t uid : imap.SearchUids(inbox, "ALL")) {
    auto known = store_.messages().Find(inbox, status.uidvalidity, uid);
    if (!known) {
      int attempts = attempts_.Count({inbox, status.uidvalidity, uid});
      if (attempts >= settings_.mailbox.max_attempts) {
        SetAside(imap, status.uidvalidity, uid);
        ++set_aside;
      } else {
        (attempts > 0 ? suspects : fresh).push_back(uid);
      }
      continue;
    }
    // Recorded before a crash or a failed move: finish the job, never redo it. (The store never
    // reads a processed message without its kind.)
    std::string folder = known->status == casework::MessageStatus::kProcessed
                             ? FolderFor(*known->kind)
                             : ProcessOrSetAside(*known);
    if (folder.empty()) continue;  // failed this time; counted, tried again next poll
    imap.MoveMessage(inbox, uid, folder);
    store_.messages().MarkMoved(known->id, folder);
  }
  // After an unfinished attempt, one message at a time: a message that crashes the daemon then
  // crashes it alone, and only its own attempts are counted until it is set aside.
  if (!suspects.empty()) {
    if (more) *more = true;
    return set_aside + TakeBatch(imap, status.uidvalidity, {suspects.front()});
  }
  if (fresh.size() > static_cast<std::size_t>(settings_.mailbox.batch_size)) {
    fresh.resize(settings_.mailbox.batch_size);
    if (more) *more = true;
  }
  return set_aside + (fresh.empty() ? 0 : TakeBatch(imap, status.uidvalidity, fresh));
}

int IntakeJob::TakeBatch(mail::ImapClient& imap, std::uint32_t uidvalidity,
                         const std::vector<std::uint32_t>& uids) {
  const std::string& inbox = settings_.mailbox.inbox;
  struct Taken {
    std::uint32_t uid;
    std::int64_t size;
    bool headers_only;
    std::string sha;
    std::string digest;
    mail::MimeMessage parsed;
    std::string error;  // set when the message could not be read; it is not recorded this time
    std::int64_t row = 0;
    std::string folder;  // empty: not handled, stays in the inbox for the next poll
    std::string log;
  };
  std::vector<casework::MessageKey> keys;
  for (std::uint32_t uid : uids) keys.push_back({inbox, uidvalidity, uid});
  attempts_.Begin(keys);  // durable before a byte is read: a crash from here on is counted

  // 1. Fetch and spool every message (made durable together below). Spooling and reading one
  //    message runs on a worker thread while the next is fetched (at most two in flight).
  struct Prepared {
    std::string sha;
    std::string digest;  // mail::ContentDigest: the same message whatever route it came by
    mail::MimeMessage parsed;
  };
  std::vector<Taken> batch;
  std::vector<std::future<Prepared>> prepared;
  try {
    auto sizes = imap.MessageSizes(inbox, uids);
    for (std::uint32_t uid : uids) {
      auto size = sizes.find(uid);
      if (size == sizes.end()) {  // gone since the search (another client moved it)
        attempts_.Clear({inbox, uidvalidity, uid});
        continue;
      }
      // Over the size cap: the header only; the message itself stays on the server.
      bool headers_only = size->second > settings_.mailbox.max_message_bytes;
      std::string raw = headers_only ? imap.FetchHeader(inbox, uidvalidity, uid)
                                     : imap.FetchMessage(inbox, uidvalidity, uid);
      batch.push_back({uid, size->second, headers_only, "", "", {}, "", 0, "", ""});
      if (prepared.size() >= 2) prepared[prepared.size() - 2].wait();
      prepared.push_back(std::async(std::launch::async, [this, raw = std::move(raw)] {
        return Prepared{spool_.PutDeferred("messages", raw), mail::ContentDigest(raw), Read(raw)};
      }));
    }
  } catch (const mail::MailError&) {
    for (auto& p : prepared) p.wait();
    attempts_.Forgive(keys);  // the server failed, not the messages
    throw;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      Prepared p = prepared[i].get();  // rethrows what the worker threw
      batch[i].sha = std::move(p.sha);
      batch[i].digest = std::move(p.digest);
      batch[i].parsed = std::move(p.parsed);
    } catch (const std::exception& e) {
      batch[i].error = e.what();
    }
  }
  spool_.Sync();  // durable before any row names them

  // 2. Record and process them in one transaction (one fsync for the batch); each message inside
  //    its own savepoint, so one that fails stays recorded ("spooled") for a retry without undoing
  //    the others. The transaction is committed and begun anew after kMaxWriteHold, so that a
  //    batch of slow (hostile) messages never holds the database from rtccctl and the console.
  {
    std::optional<casework::Transaction> txn;
    txn.emplace(store_.db());
    auto held_since = std::chrono::steady_clock::now();
    for (auto& t : batch) {
      if (std::chrono::steady_clock::now() - held_since > kMaxWriteHold) {
        spool_.Sync();
        txn->Commit();
        txn.reset();
        txn.emplace(store_.db());
        held_since = std::chrono::steady_clock::now();
      }
      casework::MessageKey key{inbox, uidvalidity, t.uid};
      if (!t.error.empty()) {
        attempts_.Fail(key, t.error);
        t.log = "message uid " + std::to_string(t.uid) + " could not be read (attempt " +
                std::to_string(attempts_.Count(key)) + " of " +
                std::to_string(settings_.mailbox.max_attempts) + "): " + t.error;
        continue;
      }
      // A Message-ID alone does not make a duplicate: copiers and form mailers reuse theirs.
      auto earlier = store_.messages().FindByContent(t.sha, t.digest);
      t.row = store_.messages().Record({inbox, uidvalidity, t.uid, t.sha, t.parsed.message_id,
                                        t.size, t.headers_only, t.digest});
      if (earlier) {
        // The same message seen before under another UID (redelivery by another route or after
        // a retry, UIDVALIDITY change).
        store_.messages().MarkProcessed(t.row, casework::MessageKind::kDuplicate,
                                        earlier->request_id,
                                        "same message as #" + std::to_string(earlier->id));
        attempts_.Clear(key);
        t.folder = settings_.mailbox.processed_folder;
        t.log = "message uid " + std::to_string(t.uid) + " is a duplicate of message #" +
                std::to_string(earlier->id) + "; not processed again";
        continue;
      }
      auto savepoint = store_.Mark();
      try {
        auto record = store_.messages().Find(inbox, uidvalidity, t.uid);
        auto began = std::chrono::steady_clock::now();
        t.folder = ProcessRecorded(*record, t.parsed, &t.log);
        savepoint.Release();
        auto took = std::chrono::steady_clock::now() - began;
        if (took > kMaxWriteHold)
          spdlog::warn("message uid {} took {} ms to process ({} bytes)", t.uid,
                       std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), t.size);
      } catch (const std::exception& e) {
        t.folder.clear();
        attempts_.Fail(key, e.what());
        t.log = "message uid " + std::to_string(t.uid) + " recorded but not handled (attempt " +
                std::to_string(attempts_.Count(key)) + " of " +
                std::to_string(settings_.mailbox.max_attempts) + "), will retry: " + e.what();
      }
    }
    spool_.Sync();  // the probe images the rows name
    txn->Commit();
  }
  for (const auto& t : batch) (t.folder.empty() ? spdlog::error(t.log) : spdlog::info(t.log));

  // 3. Only now act on the server: one MOVE per destination folder.
  std::map<std::string, std::vector<std::uint32_t>> by_folder;
  for (const auto& t : batch)
    if (!t.folder.empty()) by_folder[t.folder].push_back(t.uid);
  for (const auto& [folder, moved] : by_folder) imap.MoveMessages(inbox, moved, folder);
  auto txn = store_.Begin();
  for (const auto& t : batch)
    if (!t.folder.empty()) store_.messages().MarkMoved(t.row, t.folder);
  txn.Commit();
  return static_cast<int>(batch.size());
}

void IntakeJob::SetAside(mail::ImapClient& imap, std::uint32_t uidvalidity, std::uint32_t uid) {
  const std::string& inbox = settings_.mailbox.inbox;
  auto sizes = imap.MessageSizes(inbox, {uid});
  auto size = sizes.find(uid);
  if (size == sizes.end()) return;  // gone since the search
  // Its bytes are kept (spool and server), never parsed: parsing is what failed.
  bool headers_only = size->second > settings_.mailbox.max_message_bytes;
  std::string raw = headers_only ? imap.FetchHeader(inbox, uidvalidity, uid)
                                 : imap.FetchMessage(inbox, uidvalidity, uid);
  std::string sha = spool_.Put("messages", raw);
  casework::MessageKey key{inbox, uidvalidity, uid};
  std::int64_t row = 0;
  {
    auto txn = store_.Begin();
    row = store_.messages().Record({inbox, uidvalidity, uid, sha, "", size->second, headers_only});
    MarkFailed(*store_.messages().Find(inbox, uidvalidity, uid), key);
    txn.Commit();
  }
  imap.MoveMessage(inbox, uid, settings_.mailbox.failed_folder);
  store_.messages().MarkMoved(row, settings_.mailbox.failed_folder);
}

void IntakeJob::MarkFailed(const casework::MessageRecord& message,
                           const casework::MessageKey& key) {
  int attempts = attempts_.Count(key);
  std::string error = attempts_.LastError(key);
  std::string note = "set aside after " + std::to_string(attempts) + " attempts: " +
                     (error.empty() ? "rtccd stopped while processing it (a crash)" : error);
  store_.messages().MarkProcessed(message.id, casework::MessageKind::kFailed, std::nullopt, note);
  store_.AddEvent(std::nullopt, "rtccd", "message set aside",
                  "message #" + std::to_string(message.id) + " (UID " +
                      std::to_string(message.uid) + ", " + std::to_string(message.size) +
                      " bytes, sha256 " + message.sha256 + ") " + note + "; kept in " +
                      settings_.mailbox.failed_folder + " and in the spool");
  attempts_.Clear(key);
  spdlog::error("message #{} (UID {}) {}; moved to {} for an administrator", message.id,
                message.uid, note, settings_.mailbox.failed_folder);
}

std::string IntakeJob::ProcessOrSetAside(const casework::MessageRecord& message) {
  casework::MessageKey key{message.mailbox, message.uidvalidity, message.uid};
  if (attempts_.Count(key) >= settings_.mailbox.max_attempts) {
    auto txn = store_.Begin();
    MarkFailed(message, key);
    txn.Commit();
    return settings_.mailbox.failed_folder;
  }
  attempts_.Begin({key});
  try {
    return Process(message);
  } catch (const std::exception& e) {
    attempts_.Fail(key, e.what());
    spdlog::error("message #{} not handled (attempt {} of {}), will retry: {}", message.id,
                  attempts_.Count(key), settings_.mailbox.max_attempts, e.what());
    return "";
  }
}

int IntakeJob::ProcessSpooled() {
  int n = 0;
  for (const auto& m : store_.messages().ToProcess()) {
    std::string folder = ProcessOrSetAside(m);
    n += !folder.empty() && folder != FolderFor(casework::MessageKind::kFailed);
  }
  return n;
}

casework::IncomingMail IntakeJob::Describe(const casework::MessageRecord& record,
                                           const mail::MimeMessage& m) {
  casework::IncomingMail in;
  in.message_row = record.id;
  in.from_address = m.from_address;
  in.from_name = m.from_name;
  in.reply_to_address = m.reply_to_address;
  in.reply_to_name = m.reply_to_name;
  in.subject = m.subject;
  in.message_id = m.message_id;
  in.thread_ids = m.references;
  if (!m.in_reply_to.empty()) in.thread_ids.push_back(m.in_reply_to);
  // The thread's root (the first reference) and the newest references are what can name one of
  // rtcc's requests; a hostile message's 100,000 references are not all looked up.
  if (in.thread_ids.size() > kMaxThreadIds)
    in.thread_ids.erase(in.thread_ids.begin() + 1,
                        in.thread_ids.end() - static_cast<std::ptrdiff_t>(kMaxThreadIds - 1));
  in.verified_request_id = tokens_.VerifyAny(in.thread_ids);
  in.automatic = ToCasework(mail::ClassifyAutomatic(m, settings_.own_address));
  // A bounce, auto-reply or read receipt names the message it reports on: one of rtcc's own, or
  // not. Whoever sent it (another domain's mail server too): the reply token decides.
  if (!in.verified_request_id && in.automatic != casework::Automatic::kNo)
    in.verified_request_id = tokens_.VerifyAny(m.reported_message_ids);
  if (in.automatic == casework::Automatic::kDeliveryReport) {
    in.delivery_action = ToCasework(mail::WorstDeliveryAction(m));
    in.delivery_reason = mail::DeliveryReason(m);
  }
  // Policy 4.5: only what the receiving server itself wrote can vouch for the From address.
  const config::SenderRules& senders = settings_.senders;
  mail::SenderAuthentication auth = mail::CheckSenderAuthentication(
      m, {senders.authserv_id, senders.exchange_online,
          senders.require_authentication == config::SenderAuthentication::kDmarc});
  in.sender_authenticated = auth.authenticated;
  in.authentication_note = auth.note;
  in.oversize = record.headers_only;
  if (in.oversize) return in;  // the body was not read
  // Policy 4.5: a stranger's mail is quarantined; nothing of its body is read or kept.
  if (!casework::IsAuthorizedSender(m.from_address, settings_.senders.allowed_domains,
                                    settings_.senders.allowed_addresses))
    return in;

  mail::BodyFields fields = mail::ExtractBodyFields(m.text_body);
  in.incident_number = fields.incident_number;
  // No label gave it: a number of the department's format in the subject or the sender's own
  // text (not quoted text), when exactly one distinct one is written there.
  if (!in.incident_number) {
    auto numbers = incident_numbers_.FindAll(m.subject);
    for (auto& n : incident_numbers_.FindAll(fields.notes))
      if (std::find(numbers.begin(), numbers.end(), n) == numbers.end()) numbers.push_back(n);
    if (numbers.size() == 1) in.incident_number = numbers.front();
  }
  in.incident_type = fields.incident_type;
  in.purpose = fields.purpose;
  in.outcome = fields.outcome;
  in.notes = fields.notes;
  in.withdraw = casework::AsksToWithdraw(mail::StripReplyPrefixes(m.subject), m.text_body);
  std::set<std::string> seen;
  std::vector<std::string> over_cap;
  for (const auto& img : m.images) {
    std::string_view bytes(reinterpret_cast<const char*>(img.data.data()), img.data.size());
    std::string sha = base::Sha256Hex(bytes);
    if (!seen.insert(sha).second) continue;  // the same image attached twice is one probe
    if (in.images.size() >= static_cast<std::size_t>(settings_.max_probes)) {
      over_cap.push_back(img.filename.empty() ? "an unnamed photo" : img.filename);
      continue;
    }
    spool_.PutDeferred("probes", bytes);  // the caller syncs before committing
    in.images.push_back(
        {img.filename, img.content_type, sha, static_cast<std::int64_t>(img.data.size())});
  }
  in.unused_attachments = mail::UnusedAttachments(m);
  if (!over_cap.empty())
    in.unused_attachments.push_back(
        std::to_string(over_cap.size()) + " more photo(s) (" + over_cap.front() +
        (over_cap.size() > 1 ? ", ..." : "") + ") were not used: at most " +
        std::to_string(settings_.max_probes) +
        " photographs are searched per message; send the most useful ones");
  return in;
}

std::string IntakeJob::Process(const casework::MessageRecord& record) {
  mail::MimeMessage m = Read(spool_.Get("messages", record.sha256));
  std::string log;
  auto txn = store_.Begin();
  std::string folder = ProcessRecorded(record, m, &log);
  spool_.Sync();  // the probe images the rows name
  txn.Commit();
  spdlog::info(log);
  return folder;
}

std::string IntakeJob::ProcessRecorded(const casework::MessageRecord& record,
                                       const mail::MimeMessage& m, std::string* log) {
  casework::IncomingMail in = Describe(record, m);
  casework::SenderPolicy policy{
      settings_.senders.allowed_domains, settings_.senders.allowed_addresses,
      settings_.senders.require_authentication != config::SenderAuthentication::kNone};
  if (!settings_.prohibited_phrases.empty())
    policy.prohibited_phrases = settings_.prohibited_phrases;
  casework::IntakeResult result = casework::Intake(store_, in, policy);
  // Replies go to the requestor: Reply-To when it names an allowed sender, else From.
  const casework::IncomingMail requestor = casework::WithRequestor(in, policy);
  IncomingRef ref{requestor.from_address,
                  requestor.from_name,
                  m.subject,
                  m.message_id,
                  m.references,
                  OutcomeAsWritten(in, result),
                  record.size,
                  settings_.mailbox.max_message_bytes,
                  in.unused_attachments};
  if (result.request_id && result.reply &&
      store_.outbox().Count(*result.request_id, casework::IntakeReplyKinds()) >=
          settings_.max_automatic_replies) {
    store_.AddEvent(result.request_id, "rtccd", "reply suppressed",
                    "the cap of " + std::to_string(settings_.max_automatic_replies) +
                        " automatic replies for this request is reached (mail loop guard)");
    result.note += result.note.empty() ? "reply cap reached" : "; reply cap reached";
  } else {
    replies_.QueueIntakeReply(store_, result, ref);
  }
  store_.messages().MarkProcessed(record.id, result.kind, result.request_id, result.note);
  attempts_.Clear({record.mailbox, record.uidvalidity, record.uid});
  *log = "message #" + std::to_string(record.id) + " from " + m.from_address + ": " +
         casework::Word(result.kind) + (result.request_id ? " " + *result.request_id : "") +
         (result.note.empty() ? "" : " (" + result.note + ")");
  return FolderFor(result.kind);
}

}  // namespace rtcc::daemon
