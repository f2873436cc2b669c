#include "casework/intake_attempts.h"

namespace rtcc::casework {
namespace {

constexpr const char* kWhere = " WHERE mailbox = ? AND uidvalidity = ? AND uid = ?";

Statement& BindKey(Statement& s, int first, const MessageKey& key) {
  return s.Bind(first, key.mailbox).Bind(first + 1, key.uidvalidity).Bind(first + 2, key.uid);
}

}  // namespace

void IntakeAttempts::Begin(const std::vector<MessageKey>& keys) {
  if (keys.empty()) return;
  Transaction txn(db_);
  for (const auto& key : keys) {
    auto s = db_.Prepare(
        "INSERT INTO intake_attempts (mailbox, uidvalidity, uid, attempts, last_error, updated_at) "
        "VALUES (?, ?, ?, 1, '', strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
        "ON CONFLICT (mailbox, uidvalidity, uid) DO UPDATE SET attempts = attempts + 1, "
        "last_error = '', updated_at = excluded.updated_at");
    BindKey(s, 1, key).Run();
  }
  txn.Commit();
}

void IntakeAttempts::Forgive(const std::vector<MessageKey>& keys) {
  if (keys.empty()) return;
  Transaction txn(db_);
  for (const auto& key : keys) {
    auto s =
        db_.Prepare(std::string("UPDATE intake_attempts SET attempts = attempts - 1") + kWhere);
    BindKey(s, 1, key).Run();
    auto d =
        db_.Prepare(std::string("DELETE FROM intake_attempts") + kWhere + " AND attempts <= 0");
    BindKey(d, 1, key).Run();
  }
  txn.Commit();
}

void IntakeAttempts::Fail(const MessageKey& key, const std::string& error) {
  auto s = db_.Prepare(std::string("UPDATE intake_attempts SET last_error = ?") + kWhere);
  s.Bind(1, error);
  BindKey(s, 2, key).Run();
}

void IntakeAttempts::Clear(const MessageKey& key) {
  auto s = db_.Prepare(std::string("DELETE FROM intake_attempts") + kWhere);
  BindKey(s, 1, key).Run();
}

int IntakeAttempts::Count(const MessageKey& key) {
  auto s = db_.Prepare(std::string("SELECT attempts FROM intake_attempts") + kWhere);
  BindKey(s, 1, key);
  return s.Step() ? static_cast<int>(s.Int(0)) : 0;
}

std::string IntakeAttempts::LastError(const MessageKey& key) {
  auto s = db_.Prepare(std::string("SELECT last_error FROM intake_attempts") + kWhere);
  BindKey(s, 1, key);
  return s.Step() ? s.Text(0) : std::string();
}

}  // namespace rtcc::casework
