#include "casework/message_log.h"

#include <algorithm>

#include "casework/clock.h"

namespace rtcc::casework {
namespace {

using base::Statement;

constexpr const char* kMessageColumns =
    "id, mailbox, uidvalidity, uid, sha256, message_id, received_at, status, kind, request_id, "
    "folder, note, headers_only, size";

MessageRecord ReadMessage(const Statement& s) {
  MessageRecord m;
  m.id = s.Int(0);
  m.mailbox = s.Text(1);
  m.uidvalidity = s.Int(2);
  m.uid = s.Int(3);
  m.sha256 = s.Text(4);
  m.message_id = s.Text(5);
  m.received_at = s.Text(6);
  m.status = s.Parsed(7, "messages.status", ParseMessageStatus);
  if (m.status == MessageStatus::kProcessed)
    m.kind = s.Parsed(8, "messages.kind", ParseMessageKind);
  else
    m.kind = s.OptParsed(8, "messages.kind", ParseMessageKind);
  m.request_id = s.OptText(9);
  m.folder = s.Text(10);
  m.note = s.Text(11);
  m.headers_only = s.Int(12) != 0;
  m.size = s.Int(13);
  return m;
}

}  // namespace

std::optional<MessageRecord> MessageLog::Find(const std::string& mailbox, std::int64_t uidvalidity,
                                              std::int64_t uid) {
  auto s = db_.Prepare(std::string("SELECT ") + kMessageColumns +
                       " FROM messages WHERE mailbox = ? AND uidvalidity = ? AND uid = ?");
  s.Bind(1, mailbox).Bind(2, uidvalidity).Bind(3, uid);
  if (!s.Step()) return std::nullopt;
  return ReadMessage(s);
}

std::optional<MessageRecord> MessageLog::FindByContent(const std::string& sha256,
                                                       const std::string& content_sha256) {
  auto s =
      db_.Prepare(std::string("SELECT ") + kMessageColumns +
                  " FROM messages WHERE sha256 = ?1 OR content_sha256 = ?2 ORDER BY id LIMIT 1");
  s.Bind(1, sha256);
  if (content_sha256.empty())
    s.BindNull(2);  // matches nothing
  else
    s.Bind(2, content_sha256);
  if (!s.Step()) return std::nullopt;
  return ReadMessage(s);
}

std::int64_t MessageLog::Record(const NewMessage& m) {
  auto s = db_.Prepare(
      "INSERT INTO messages (mailbox, uidvalidity, uid, sha256, message_id, size, received_at, "
      "status, headers_only, content_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.Bind(1, m.mailbox)
      .Bind(2, m.uidvalidity)
      .Bind(3, m.uid)
      .Bind(4, m.sha256)
      .Bind(5, m.message_id);
  s.Bind(6, m.size).Bind(7, UtcNow()).Bind(8, ToString(MessageStatus::kSpooled));
  s.Bind(9, m.headers_only ? 1 : 0);
  if (m.content_sha256.empty())
    s.BindNull(10);
  else
    s.Bind(10, m.content_sha256);
  s.Run();
  return db_.LastInsertId();
}

std::vector<MessageRecord> MessageLog::ToProcess() {
  auto s = db_.Prepare(std::string("SELECT ") + kMessageColumns +
                       " FROM messages WHERE status = ? ORDER BY id");
  s.Bind(1, ToString(MessageStatus::kSpooled));
  std::vector<MessageRecord> out;
  while (s.Step()) out.push_back(ReadMessage(s));
  return out;
}

void MessageLog::MarkProcessed(std::int64_t id, MessageKind kind,
                               const std::optional<std::string>& request_id,
                               const std::string& note) {
  auto s = db_.Prepare(
      "UPDATE messages SET status = ?, kind = ?, request_id = ?, note = ? WHERE id = ?");
  s.Bind(1, ToString(MessageStatus::kProcessed)).Bind(2, ToString(kind)).Bind(3, request_id);
  s.Bind(4, note).Bind(5, id);
  s.Run();
}

void MessageLog::MarkMoved(std::int64_t id, const std::string& folder) {
  auto s = db_.Prepare("UPDATE messages SET folder = ? WHERE id = ?");
  s.Bind(1, folder).Bind(2, id);
  s.Run();
}

std::optional<std::string> MessageLog::FindRequestByMessageIds(
    const std::vector<std::string>& ids) {
  // Newest reference first: a reply's In-Reply-To names the message it answers. Each look-up
  // uses an index (schema 7), so the cost is linear in the number of ids.
  auto s = db_.Prepare(
      "SELECT request_id FROM outbox WHERE message_id = ?1 AND request_id IS NOT NULL "
      "UNION ALL SELECT request_id FROM messages WHERE message_id = ?1 AND request_id IS NOT "
      "NULL "
      "UNION ALL SELECT id FROM requests WHERE thread_message_id = ?1 LIMIT 1");
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    if (it->empty()) continue;
    s.Bind(1, *it);
    if (s.Step()) return s.Text(0);
    s.Reset();
  }
  return std::nullopt;
}

std::vector<std::string> MessageLog::ThreadMessageIds(const std::string& request_id) {
  // The message that opened the request, then every message received or sent in its thread.
  auto s = db_.Prepare(
      "SELECT thread_message_id, created_at AS at, 0 AS o, 0 AS id FROM requests WHERE id = ?1 "
      "AND thread_message_id <> '' "
      "UNION ALL SELECT message_id, received_at, 1, id FROM messages WHERE request_id = ?1 AND "
      "message_id <> '' "
      "UNION ALL SELECT message_id, created_at, 2, id FROM outbox WHERE request_id = ?1 "
      "ORDER BY at, o, id");
  s.Bind(1, request_id);
  std::vector<std::string> ids;
  while (s.Step()) {
    std::string id = s.Text(0);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

std::vector<MessageRecord> MessageLog::ForRequest(const std::string& request_id) {
  auto s = db_.Prepare(std::string("SELECT ") + kMessageColumns +
                       " FROM messages WHERE request_id = ? ORDER BY id");
  s.Bind(1, request_id);
  std::vector<MessageRecord> out;
  while (s.Step()) out.push_back(ReadMessage(s));
  return out;
}

}  // namespace rtcc::casework
