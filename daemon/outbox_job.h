// Sends what the outbox holds, exactly once. Each message was committed to the outbox with its
// Message-ID before any attempt; it is marked "sending" (committed) before it is handed to SMTP,
// and "sent" only after the server accepted it. A message found still "sending" — the process
// died, or the connection broke, after handing it over — may have gone out: before sending it
// again, the Sent folder is searched for its Message-ID, so the requestor never gets two copies.
#pragma once

#include <string>

#include "casework/store.h"
#include "config/config.h"
#include "mail/imap_client.h"
#include "mail/smtp_client.h"

namespace rtcc::daemon {

struct OutboxSettings {
  std::string envelope_from;
  config::SentCopy sent_copy = config::SentCopy::kServer;
  std::string sent_folder = "Sent";
  int resend_after_seconds = 60;  // an interrupted send is looked into only after this long
};

// Sends every unsent message; returns how many were sent (or found already sent). `imap` is used
// for the Sent folder (checks, and appends with SentCopy::kAppend); when it is null, a message
// in doubt waits until the folder can be checked. Failures are recorded on the message and
// retried on the next call.
int SendPendingMail(casework::Store& store, mail::SmtpClient& smtp, mail::ImapClient* imap,
                    const OutboxSettings& settings);

}  // namespace rtcc::daemon
