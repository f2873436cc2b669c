#include "casework/audit_trail.h"

#include "base/sha256.h"

namespace rtcc::casework {
namespace {

void Field(std::string& out, const std::string& value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += ';';
}

constexpr const char* kColumns =
    "id, at, request_id, actor, action, from_state, to_state, detail, prev_hash, hash";

EventRecord Read(Statement& s, std::string* prev_hash, std::string* hash) {
  EventRecord e{s.Int(0),  s.Text(1), s.OptText(2), s.Text(3),
                s.Text(4), s.Text(5), s.Text(6),    s.Text(7)};
  *prev_hash = s.Text(8);
  *hash = s.Text(9);
  return e;
}

}  // namespace

std::string TrailHash(const EventRecord& row, const std::string& prev_hash) {
  std::string canonical = "rtcc-trail-v1;";
  Field(canonical, std::to_string(row.id));
  Field(canonical, row.at);
  Field(canonical, row.request_id ? "1" + *row.request_id : "0");
  Field(canonical, row.actor);
  Field(canonical, row.action);
  Field(canonical, row.from_state);
  Field(canonical, row.to_state);
  Field(canonical, row.detail);
  Field(canonical, prev_hash);
  return base::Sha256Hex(canonical);
}

EventRecord AppendTrail(SqliteDb& db, EventRecord row) {
  auto last = db.Prepare("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1");
  std::string prev_hash;
  row.id = 1;
  if (last.Step()) {
    row.id = last.Int(0) + 1;
    prev_hash = last.Text(1);
  }
  auto s = db.Prepare(std::string("INSERT INTO events (") + kColumns +
                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.Bind(1, row.id)
      .Bind(2, row.at)
      .Bind(3, row.request_id)
      .Bind(4, row.actor)
      .Bind(5, row.action)
      .Bind(6, row.from_state)
      .Bind(7, row.to_state)
      .Bind(8, row.detail)
      .Bind(9, prev_hash)
      .Bind(10, TrailHash(row, prev_hash));
  s.Run();
  return row;
}

TrailVerification VerifyTrail(SqliteDb& db, const std::string& expected_head) {
  TrailVerification v;
  auto s = db.Prepare(std::string("SELECT ") + kColumns + " FROM events ORDER BY id");
  std::string previous;
  std::int64_t expected_id = 0;
  bool head_seen = expected_head.empty();
  while (s.Step()) {
    std::string prev_hash, hash;
    EventRecord e = Read(s, &prev_hash, &hash);
    ++v.rows;
    auto broken = [&](std::string problem) {
      v.ok = false;
      v.first_broken = e.id;
      v.problem = std::move(problem);
    };
    if (expected_id != 0 && e.id != expected_id + 1) {
      broken("row " + std::to_string(expected_id + 1) + " is missing (next row is " +
             std::to_string(e.id) + ")");
    } else if (prev_hash != previous) {
      broken("its link to the previous row is broken (the previous row was changed or removed)");
    } else if (hash != TrailHash(e, prev_hash)) {
      broken("its content does not match its hash (the row was edited)");
    }
    if (!v.ok) return v;
    expected_id = e.id;
    previous = hash;
    if (hash == expected_head) head_seen = true;
  }
  v.head = previous;
  if (!head_seen) {
    v.ok = false;
    v.problem = "the recorded head " + expected_head +
                " is not in the trail: rows were removed after it was recorded";
  }
  return v;
}

void ChainUnhashedRows(SqliteDb& db) {
  auto s = db.Prepare(std::string("SELECT ") + kColumns + " FROM events ORDER BY id");
  std::string previous;
  std::vector<std::pair<EventRecord, std::string>> rows;
  while (s.Step()) {
    std::string prev_hash, hash;
    rows.emplace_back(Read(s, &prev_hash, &hash), "");
  }
  for (auto& [row, hash] : rows) {
    hash = TrailHash(row, previous);
    auto u = db.Prepare("UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?");
    u.Bind(1, previous).Bind(2, hash).Bind(3, row.id);
    u.Run();
    previous = hash;
  }
}

}  // namespace rtcc::casework
