// The log of every message taken from the mailbox (the `messages` table): how rtcc knows a
// message was seen, what it became, where it was filed, and which request a reply belongs to.
// One of the views of the casework database a Store hands out (Store::messages()); callers group
// its writes with the Store's other writes in one Store::Begin() transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/sqlite_db.h"
#include "casework/records.h"

namespace rtcc::casework {

class MessageLog {
 public:
  // `db` (the Store's connection) must outlive the MessageLog.
  explicit MessageLog(base::SqliteDb& db) : db_(db) {}

  // The message with this IMAP identity, if it was recorded.
  std::optional<MessageRecord> Find(const std::string& mailbox, std::int64_t uidvalidity,
                                    std::int64_t uid);
  // The second guard against double processing: a message seen before under any UID with the
  // same bytes (`sha256`) or the same content digest (`content_sha256`, mail::ContentDigest: the
  // same message by another route; ignored when ""). A shared Message-ID alone is not enough.
  std::optional<MessageRecord> FindByContent(const std::string& sha256,
                                             const std::string& content_sha256);
  // Records a spooled message (MessageStatus::kSpooled); returns its row id.
  std::int64_t Record(const NewMessage& message);
  // Spooled messages not yet processed, oldest first.
  std::vector<MessageRecord> ToProcess();
  void MarkProcessed(std::int64_t id, MessageKind kind,
                     const std::optional<std::string>& request_id, const std::string& note);
  // Records the IMAP folder the message was filed into.
  void MarkMoved(std::int64_t id, const std::string& folder);
  // The messages filed with a request (its spool files), oldest first.
  std::vector<MessageRecord> ForRequest(const std::string& request_id);

  // The request whose thread includes one of `message_ids` (messages received or sent: this
  // reads the outbox and the requests too), the newest id first; each look-up uses an index.
  std::optional<std::string> FindRequestByMessageIds(const std::vector<std::string>& message_ids);
  // The Message-IDs of a request's thread, oldest first, each once (for References).
  std::vector<std::string> ThreadMessageIds(const std::string& request_id);

 private:
  base::SqliteDb& db_;
};

}  // namespace rtcc::casework
