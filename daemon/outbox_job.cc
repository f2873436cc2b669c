#include "daemon/outbox_job.h"

#include <spdlog/spdlog.h>

#include <ctime>

#include "casework/workflow.h"

namespace rtcc::daemon {
namespace {

void Confirm(casework::Store& store, const casework::OutboxRecord& m) {
  auto txn = store.Begin();
  casework::MarkReplySent(store, m);
  txn.Commit();
}

}  // namespace

int SendPendingMail(casework::Store& store, mail::SmtpClient& smtp, mail::ImapClient* imap,
                    const OutboxSettings& settings) {
  const bool check_sent = settings.sent_copy != config::SentCopy::kNone;
  int sent = 0;
  for (const auto& m : store.outbox().Pending()) {
    const std::string kind(ToString(m.kind));
    const std::string what =
        kind + " reply for " + m.request_id.value_or("-") + " to " + m.recipient;
    const bool interrupted = m.state == casework::OutboxState::kSending;
    if (interrupted && casework::Now() - casework::ParseUtc(m.sending_at.value_or("")) <
                           settings.resend_after_seconds) {
      continue;  // interrupted moments ago: let the provider's Sent copy arrive first
    }
    if (interrupted && check_sent) {
      // An earlier attempt may have gone out: look for it before sending again.
      if (!imap) {
        spdlog::warn("{}: earlier attempt may have been sent; waiting for IMAP to check {}", what,
                     settings.sent_folder);
        continue;
      }
      if (!imap->FindByMessageId(settings.sent_folder, m.message_id).empty()) {
        Confirm(store, m);
        store.AddEvent(
            m.request_id, "rtccd", "reply confirmed sent",
            kind + " <" + m.message_id + "> found in " + settings.sent_folder + "; not sent again");
        spdlog::info("{}: found in {}, not sent again", what, settings.sent_folder);
        ++sent;
        continue;
      }
    }
    store.outbox().MarkSending(m.id);  // committed (autocommit) before the message leaves
    try {
      smtp.Send(settings.envelope_from, {m.recipient}, m.raw);
    } catch (const mail::MailError& e) {
      store.outbox().MarkFailed(m.id, e.what(), e.maybe_delivered());
      spdlog::warn("{} not sent yet (attempt {}): {}", what, m.attempts + 1, e.what());
      continue;
    }
    if (settings.sent_copy == config::SentCopy::kAppend && imap) {
      try {
        imap->Append(settings.sent_folder, m.raw);
      } catch (const mail::MailError& e) {
        spdlog::warn("{}: sent, but not copied to {}: {}", what, settings.sent_folder, e.what());
      }
    }
    Confirm(store, m);
    spdlog::info("sent {}", what);
    ++sent;
  }
  return sent;
}

}  // namespace rtcc::daemon
