// The outbox (the `outbox` table): every reply rtcc writes is queued here in the same transaction
// as the step that caused it, then handed to SMTP by daemon/outbox_job. A row is kQueued, then
// kSending (committed before the SMTP conversation, so a crash mid-send is noticed), then kSent.
// One of the views of the casework database a Store hands out (Store::outbox()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/sqlite_db.h"
#include "casework/records.h"

namespace rtcc::casework {

class Outbox {
 public:
  // `db` (the Store's connection) must outlive the Outbox.
  explicit Outbox(base::SqliteDb& db) : db_(db) {}

  // Queues `raw` (a complete RFC 5322 message) for `recipient`; returns its row id.
  std::int64_t Queue(const std::optional<std::string>& request_id, ReplyKind kind,
                     const std::string& message_id, const std::string& recipient,
                     const std::string& raw);
  // How many candidates results reply `outbox_id` lists (the monthly audit compares it with the
  // search, policy 4.5.3.2).
  void RecordCandidatesListed(std::int64_t outbox_id, int candidates);
  // Messages not yet sent, oldest first: queued, and sending ones whose outcome is unknown.
  std::vector<OutboxRecord> Pending();
  // Every reply of a request, oldest first.
  std::vector<OutboxRecord> ForRequest(const std::string& request_id);
  // Records that the message is about to be handed to SMTP (commit this before sending).
  void MarkSending(std::int64_t id);
  void MarkSent(std::int64_t id);
  // A failed attempt. With `maybe_delivered` the row stays kSending (the server may have taken
  // it before failing: check the Sent folder before sending again); otherwise it is kQueued.
  void MarkFailed(std::int64_t id, const std::string& error, bool maybe_delivered);
  // How many replies of `kinds` were queued for `request_id`.
  int Count(const std::string& request_id, const std::vector<ReplyKind>& kinds);

 private:
  base::SqliteDb& db_;
};

}  // namespace rtcc::casework
