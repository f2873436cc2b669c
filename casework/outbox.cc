#include "casework/outbox.h"

#include <algorithm>

#include "casework/clock.h"

namespace rtcc::casework {
namespace {

using base::Statement;

constexpr const char* kOutboxColumns =
    "id, request_id, kind, message_id, recipient, raw, created_at, sent_at, attempts, last_error, "
    "state, sending_at";

OutboxRecord ReadOutbox(const Statement& s) {
  OutboxRecord o;
  o.id = s.Int(0);
  o.request_id = s.OptText(1);
  o.kind = s.Parsed(2, "outbox.kind", ParseReplyKind);
  o.message_id = s.Text(3);
  o.recipient = s.Text(4);
  o.raw = s.Blob(5);
  o.created_at = s.Text(6);
  o.sent_at = s.OptText(7);
  o.attempts = static_cast<int>(s.Int(8));
  o.last_error = s.Text(9);
  o.state = s.Parsed(10, "outbox.state", ParseOutboxState);
  o.sending_at = s.OptText(11);
  return o;
}

}  // namespace

std::int64_t Outbox::Queue(const std::optional<std::string>& request_id, ReplyKind kind,
                           const std::string& message_id, const std::string& recipient,
                           const std::string& raw) {
  auto s = db_.Prepare(
      "INSERT INTO outbox (request_id, kind, message_id, recipient, raw, created_at, state) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  s.Bind(1, request_id).Bind(2, ToString(kind)).Bind(3, message_id).Bind(4, recipient);
  s.BindBlob(5, raw.data(), raw.size()).Bind(6, UtcNow()).Bind(7, ToString(OutboxState::kQueued));
  s.Run();
  return db_.LastInsertId();
}

std::vector<OutboxRecord> Outbox::Pending() {
  auto s = db_.Prepare(std::string("SELECT ") + kOutboxColumns +
                       " FROM outbox WHERE state <> ? ORDER BY id");
  s.Bind(1, ToString(OutboxState::kSent));
  std::vector<OutboxRecord> out;
  while (s.Step()) out.push_back(ReadOutbox(s));
  return out;
}

std::vector<OutboxRecord> Outbox::ForRequest(const std::string& request_id) {
  auto s = db_.Prepare(std::string("SELECT ") + kOutboxColumns +
                       " FROM outbox WHERE request_id = ? ORDER BY id");
  s.Bind(1, request_id);
  std::vector<OutboxRecord> out;
  while (s.Step()) out.push_back(ReadOutbox(s));
  return out;
}

void Outbox::MarkSending(std::int64_t id) {
  auto s = db_.Prepare(
      "UPDATE outbox SET state = ?, sending_at = ?, attempts = attempts + 1 WHERE id = ?");
  s.Bind(1, ToString(OutboxState::kSending)).Bind(2, UtcNow()).Bind(3, id);
  s.Run();
}

void Outbox::MarkSent(std::int64_t id) {
  auto s = db_.Prepare("UPDATE outbox SET state = ?, sent_at = ?, last_error = '' WHERE id = ?");
  s.Bind(1, ToString(OutboxState::kSent)).Bind(2, UtcNow()).Bind(3, id);
  s.Run();
}

void Outbox::MarkFailed(std::int64_t id, const std::string& error, bool maybe_delivered) {
  auto s = db_.Prepare(
      "UPDATE outbox SET last_error = ?, state = CASE WHEN ? THEN state ELSE ? END WHERE id = ?");
  s.Bind(1, error).Bind(2, maybe_delivered ? 1 : 0).Bind(3, ToString(OutboxState::kQueued));
  s.Bind(4, id);
  s.Run();
}

int Outbox::Count(const std::string& request_id, const std::vector<ReplyKind>& kinds) {
  int n = 0;
  for (const auto& m : ForRequest(request_id))
    if (std::find(kinds.begin(), kinds.end(), m.kind) != kinds.end()) ++n;
  return n;
}

void Outbox::RecordCandidatesListed(std::int64_t outbox_id, int candidates) {
  auto s = db_.Prepare("UPDATE outbox SET candidates_listed = ? WHERE id = ?");
  s.Bind(1, candidates).Bind(2, outbox_id);
  s.Run();
}

}  // namespace rtcc::casework
