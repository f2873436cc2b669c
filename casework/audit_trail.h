// The audit trail (the `events` table): every action on the casework — mail received, decisions,
// searches, replies sent, outcomes, configuration loads, purges — one append-only row each, and
// each row carries the SHA-256 of the row before it, so that an edit or a deletion anywhere in the
// chain is detectable (policy 4.5.5: the monthly audit must be able to trust the record).
//
// Append-only is enforced three times: no code path updates or deletes a row; SQLite triggers
// refuse UPDATE and DELETE; and an INSERT whose prev_hash is not the last row's hash is refused.
// Truncating the newest rows leaves a valid shorter chain: compare the head with one recorded
// earlier (every audit report prints it; `rtccctl audit verify --head`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/sqlite_db.h"
#include "casework/records.h"

namespace rtcc::casework {

using base::Savepoint;
using base::SqliteDb;
using base::SqliteError;
using base::Statement;
using base::Transaction;

// The hash a row must carry: SHA-256 (hex) of its id, time, request, actor, action, states,
// detail and the previous row's hash, each field length-prefixed (no two rows serialize alike).
std::string TrailHash(const EventRecord& row, const std::string& prev_hash);

// Appends a row after the current last one and returns it (id, at and hash filled in). Must run
// inside a transaction (Store::AddEvent opens one when the caller has not).
EventRecord AppendTrail(SqliteDb& db, EventRecord row);

struct TrailVerification {
  bool ok = true;
  std::int64_t rows = 0;                     // rows read
  std::string head;                          // hash of the last row ("" when empty)
  std::optional<std::int64_t> first_broken;  // id of the first row that does not verify
  std::string problem;                       // what is wrong with it, in words
};

// Re-computes the chain from the first row. Stops at the first row whose hash, link or id
// sequence is wrong. With `expected_head`, also fails when no row carries that hash (the newest
// rows were removed since it was recorded).
TrailVerification VerifyTrail(SqliteDb& db, const std::string& expected_head = "");

// Chains rows written before the trail existed (schema migration only: run inside the migration's
// transaction, with the update trigger dropped).
void ChainUnhashedRows(SqliteDb& db);

}  // namespace rtcc::casework
