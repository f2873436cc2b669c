// A thin RAII layer over the SQLite C API: a connection, prepared statements and transactions,
// for the casework store and the gallery alike. Errors become SqliteError with SQLite's own
// message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rtcc::base {

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Statement;

struct SqliteOptions {
  // synchronous=FULL: a commit survives a power cut (the casework record). NORMAL: in WAL mode a
  // commit survives a crash of the process, a power cut may lose the last ones (the gallery,
  // whose enrolment can be redone).
  bool survive_power_loss = true;
  int busy_timeout_ms = 10000;  // how long to wait for another process's write to finish
};

class SqliteDb {
 public:
  // Opens (creating with mode 0600 when absent) the database at `path`, with WAL, foreign keys on
  // and a busy timeout so the daemon and rtccctl can share it.
  explicit SqliteDb(const std::filesystem::path& path, const SqliteOptions& options = {});
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without results.
  void Exec(std::string_view sql);
  // Compiles one statement; throws SqliteError naming the SQL when it does not compile. The
  // statement must not outlive this connection.
  Statement Prepare(std::string_view sql);
  // The rowid of the last INSERT on this connection, and the rows the last statement changed.
  std::int64_t LastInsertId() const;
  int Changes() const;
  // The connection, for the SQLite calls this class does not wrap (owned: do not close it).
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// A prepared statement (finalized on destruction) of a connection that must outlive it.
class Statement {
 public:
  // Compiles `sql` on `db` (SqliteDb::Prepare is the usual way); throws SqliteError.
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds parameters in order, starting at 1. std::nullopt binds NULL.
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  Statement& BindBlob(int index, const void* data, std::size_t size);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }
  Statement& BindNull(int index);

  // Steps once: true when a row is available, false when done.
  bool Step();
  // Steps to completion, for statements without results, then resets for another run.
  void Run();
  // Resets the statement to run again (its bindings stay).
  void Reset();

  // The value of `column` (0-based) of the current row, converted as SQLite converts it.
  std::int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;  // NULL reads as ""
  std::optional<std::string> OptText(int column) const;
  std::optional<std::int64_t> OptInt(int column) const;
  std::string Blob(int column) const;
  // Views valid until the next Step, Reset or destruction of the statement.
  std::string_view TextView(int column) const;
  std::span<const std::uint8_t> BlobView(int column) const;
  bool IsNull(int column) const;

  // The TEXT of `column` as the enum value `parse` reads in it (a vocabulary's Parse, returning
  // std::optional: cf. enum_names.h). Throws SqliteError naming `name` ("outbox.state") and the
  // text when `parse` does not know it: a row rtcc cannot read is an error, never a guess.
  template <typename Parse>
  auto Parsed(int column, std::string_view name, Parse parse) const {
    const std::string_view text = TextView(column);
    auto value = parse(text);
    if (!value) UnknownValue(name, text);
    return *value;
  }
  // The same, std::nullopt when the column is NULL or "" (not recorded).
  template <typename Parse>
  auto OptParsed(int column, std::string_view name, Parse parse) const
      -> decltype(parse(std::string_view())) {
    if (TextView(column).empty()) return std::nullopt;
    return Parsed(column, name, parse);
  }

 private:
  [[noreturn]] static void UnknownValue(std::string_view name, std::string_view text);

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE (a writer; kRead: BEGIN, a reader's consistent snapshot) on construction;
// rolls back on destruction unless Commit() was called. Keeps a reference to `db`, which must
// outlive it (likewise Savepoint).
class Transaction {
 public:
  enum class Mode { kWrite, kRead };
  explicit Transaction(SqliteDb& db, Mode mode = Mode::kWrite);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

// SAVEPOINT on construction; rolls back to it (keeping the enclosing transaction) on destruction
// unless Release() was called. Lets one item of a batch fail without undoing the others.
class Savepoint {
 public:
  explicit Savepoint(SqliteDb& db);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void Release();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace rtcc::base
