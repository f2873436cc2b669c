// Sends what the outbox holds: each message was committed to the outbox with its Message-ID
// before any attempt, is handed to SMTP, and is marked sent only after the server accepted it.
#pragma once

#include <string>

#include "casework/store.h"
#include "mail/smtp_client.h"

namespace rtcc::daemon {

// Sends every unsent message; returns how many were accepted. A failure is recorded on the
// message (attempts, last error) and retried on the next call.
int SendPendingMail(casework::Store& store, mail::SmtpClient& smtp,
                    const std::string& envelope_from);

}  // namespace rtcc::daemon
