// Poison-message isolation (issue 9): how many times intake began on each message of a mailbox.
// An attempt is counted, and committed, before the work on the message starts, so a crash of the
// daemon (SIGSEGV, abort, the kernel's OOM killer) counts as surely as a thrown error: a message
// that takes the daemon down is not retried forever, and after a configured number of attempts
// it is set aside. A message is named by (mailbox, UIDVALIDITY, UID), which is known before a
// byte of it is read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/sqlite_db.h"

namespace rtcc::casework {

using base::Savepoint;
using base::SqliteDb;
using base::SqliteError;
using base::Statement;
using base::Transaction;

struct MessageKey {
  std::string mailbox;
  std::int64_t uidvalidity = 0;
  std::int64_t uid = 0;
};

// Keeps a reference to `db`, which must outlive it.
class IntakeAttempts {
 public:
  // Keeps a reference to `db` (the Store's connection), which must outlive it.
  explicit IntakeAttempts(SqliteDb& db) : db_(db) {}

  // Counts one more attempt on each of `keys`, in a transaction of its own that is committed
  // before this returns. Must not be called inside another transaction.
  void Begin(const std::vector<MessageKey>& keys);
  // Takes back the attempt Begin counted on each of `keys` whose work never reached the message
  // (the mail server failed first). Must not be called inside another transaction.
  void Forgive(const std::vector<MessageKey>& keys);
  // Records why the current attempt on `key` failed (kept for the note when it is set aside).
  void Fail(const MessageKey& key, const std::string& error);
  // Forgets `key`: its work is done (processed or set aside). Joins the caller's transaction.
  void Clear(const MessageKey& key);

  // Attempts begun on `key` so far (0 when none), and the last recorded error ("" when none:
  // the attempt ended without a word, i.e. the daemon died).
  int Count(const MessageKey& key);
  std::string LastError(const MessageKey& key);

 private:
  SqliteDb& db_;
};

}  // namespace rtcc::casework
