#include "daemon/outbox_job.h"

#include <spdlog/spdlog.h>

#include "casework/workflow.h"

namespace rtcc::daemon {

int SendPendingMail(casework::Store& store, mail::SmtpClient& smtp,
                    const std::string& envelope_from) {
  int sent = 0;
  for (const auto& m : store.PendingMail()) {
    try {
      smtp.Send(envelope_from, {m.recipient}, m.raw);
    } catch (const mail::MailError& e) {
      store.MarkMailFailed(m.id, e.what());
      spdlog::warn("{} reply for {} not sent yet (attempt {}): {}", m.kind,
                   m.request_id.value_or("-"), m.attempts + 1, e.what());
      continue;
    }
    auto txn = store.Begin();
    casework::MarkReplySent(store, m);
    txn.Commit();
    spdlog::info("sent {} reply for {} to {}", m.kind, m.request_id.value_or("-"), m.recipient);
    ++sent;
  }
  return sent;
}

}  // namespace rtcc::daemon
