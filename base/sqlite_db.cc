#include "base/sqlite_db.h"

#include <fcntl.h>
#include <unistd.h>

namespace rtcc::base {
namespace {

void Check(sqlite3* db, int rc, std::string_view what) {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
    throw SqliteError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

}  // namespace

SqliteDb::SqliteDb(const std::filesystem::path& path, const SqliteOptions& options) {
  // Create the file ourselves so it is never world-readable, whatever the umask.
  if (!std::filesystem::exists(path)) {
    int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) throw SqliteError("cannot create database " + path.string());
    ::close(fd);
  }
  int rc =
      sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    throw SqliteError("cannot open database " + path.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  try {
    Exec(std::string("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=") +
         (options.survive_power_loss ? "FULL;" : "NORMAL;"));
  } catch (...) {  // e.g. the file is not a database: no destructor will close it
    sqlite3_close_v2(db_);
    throw;
  }
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

void SqliteDb::Exec(std::string_view sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqliteError("SQL failed: " + msg);
  }
}

Statement SqliteDb::Prepare(std::string_view sql) { return Statement(db_, sql); }
std::int64_t SqliteDb::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
int SqliteDb::Changes() const { return sqlite3_changes(db_); }

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  Check(db_, sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr),
        "prepare");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Statement& Statement::Bind(int index, std::int64_t value) {
  Check(db_, sqlite3_bind_int64(stmt_, index, value), "bind");
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  Check(db_, sqlite3_bind_double(stmt_, index, value), "bind");
  return *this;
}
Statement& Statement::Bind(int index, std::string_view value) {
  Check(db_,
        sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT),
        "bind");
  return *this;
}
Statement& Statement::BindBlob(int index, const void* data, std::size_t size) {
  Check(db_, sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT), "bind");
  return *this;
}
Statement& Statement::BindNull(int index) {
  Check(db_, sqlite3_bind_null(stmt_, index), "bind");
  return *this;
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  Check(db_, rc, "step");
  return rc == SQLITE_ROW;
}

void Statement::Run() {
  while (Step()) {
  }
  Reset();
}

void Statement::Reset() { sqlite3_reset(stmt_); }

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }
bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
void Statement::UnknownValue(std::string_view name, std::string_view text) {
  throw SqliteError(std::string(name) + " holds '" + std::string(text) +
                    "', which is not a value rtcc knows");
}
std::string Statement::Text(int column) const {
  auto* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, column))
           : std::string();
}
std::optional<std::string> Statement::OptText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}
std::optional<std::int64_t> Statement::OptInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}
std::string Statement::Blob(int column) const {
  auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return p ? std::string(p, sqlite3_column_bytes(stmt_, column)) : std::string();
}

std::string_view Statement::TextView(int column) const {
  auto* p = sqlite3_column_text(stmt_, column);
  return p ? std::string_view(reinterpret_cast<const char*>(p),
                              static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string_view();
}

std::span<const std::uint8_t> Statement::BlobView(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  return {static_cast<const std::uint8_t*>(p),
          p ? static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)) : 0};
}

Transaction::Transaction(SqliteDb& db, Mode mode) : db_(db) {
  db_.Exec(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.Exec("ROLLBACK");
    } catch (...) {
    }
  }
}

void Transaction::Commit() {
  db_.Exec("COMMIT");
  done_ = true;
}

Savepoint::Savepoint(SqliteDb& db) : db_(db) { db_.Exec("SAVEPOINT item"); }

Savepoint::~Savepoint() {
  if (!done_) {
    try {
      db_.Exec("ROLLBACK TO item; RELEASE item");
    } catch (...) {
    }
  }
}

void Savepoint::Release() {
  db_.Exec("RELEASE item");
  done_ = true;
}

}  // namespace rtcc::base
