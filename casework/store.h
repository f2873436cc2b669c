// The casework store: every request, message, decision, search and reply in one SQLite database
// (WAL, foreign keys, versioned schema). Each method is one statement or a few; callers group
// them into one transaction with Begin() so that every workflow step is atomic. The enums of the
// records are stored as the words of their ToString; reading a word rtcc does not know throws
// SqliteError naming the column and the word.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/sqlite_db.h"
#include "casework/clock.h"
#include "casework/message_log.h"
#include "casework/outbox.h"
#include "casework/policy.h"
#include "casework/records.h"

namespace rtcc::casework {

using base::Savepoint;
using base::SqliteDb;
using base::SqliteError;
using base::Statement;
using base::Transaction;

// A workflow rule was broken (illegal transition, search without approval...). what() is a
// sentence for the operator.
class WorkflowError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  // Opens or creates the database at `path` and brings its schema up to date.
  explicit Store(const std::filesystem::path& path);
  Store(const Store&) = delete;  // messages() and outbox() refer to this Store's connection
  Store& operator=(const Store&) = delete;

  // A write transaction (BEGIN IMMEDIATE) on this store; every workflow step runs in one.
  Transaction Begin() { return Transaction(db_); }
  // A savepoint inside the current transaction: one item of a batch can fail alone.
  Savepoint Mark() { return Savepoint(db_); }
  // The connection, for tests and the audit's own queries.
  SqliteDb& db() { return db_; }

  // The messages taken from the mailbox, and the replies waiting for or sent by SMTP.
  MessageLog& messages() { return messages_; }
  Outbox& outbox() { return outbox_; }

  // --- requests -----------------------------------------------------------------------------
  // Creates a request in state RECEIVED with the next id of the current year.
  RequestRecord CreateRequest(const NewRequest& request, const std::string& actor);
  // The request `id`, or nothing when there is none.
  std::optional<RequestRecord> FindRequest(const std::string& id);
  RequestRecord GetRequest(const std::string& id);  // throws WorkflowError when unknown
  // All requests, newest first; only those in `state` when given.
  std::vector<RequestRecord> ListRequests(std::optional<RequestState> state = std::nullopt);
  // Writes the fields a requestor supplies (incident, type, purpose, notes) and the flags.
  void UpdateRequestFields(const RequestRecord& request);
  // Requests of one incident number, newest first.
  std::vector<RequestRecord> RequestsForIncident(const std::string& incident_number);
  // Counts one more outcome reminder (policy 4.5.3.3), now.
  void MarkReminderSent(const std::string& request_id);
  // Records that the request's probe images and raw messages were removed (retention).
  void MarkPurged(const std::string& request_id);
  // How many rows of `table` ("probes" or "messages") of requests other than
  // `except_request_id`, not yet purged, name the spool file `sha256` (a file shared by two
  // requests stays until both are purged).
  std::int64_t CountReferences(const std::string& table, const std::string& sha256,
                               const std::string& except_request_id);
  // Moves `id` to `to` if the state machine allows it from its current state, and records the
  // event. Throws WorkflowError naming both states otherwise.
  void Transition(const std::string& id, RequestState to, const std::string& actor,
                  const std::string& detail);

  // --- probes -------------------------------------------------------------------------------
  // Adds a probe image (already in the spool). The same image twice in a request is one probe.
  std::int64_t AddProbe(const std::string& request_id, std::optional<std::int64_t> message_row,
                        const std::string& filename, const std::string& content_type,
                        const std::string& sha256, std::int64_t size);
  // The request's probes in the order they arrived (the order replies number them in).
  std::vector<ProbeRecord> Probes(const std::string& request_id);

  // --- decisions ----------------------------------------------------------------------------
  // `kind` kResearch for a subsequent search (policy 4.5.3.4); `override_reason` when an
  // analyst approves a request flagged for a prohibited use (4.5.2).
  std::int64_t RecordDecision(const std::string& request_id, Decision decision,
                              const std::string& analyst, const std::string& reason,
                              const std::string& override_reason = "",
                              DecisionKind kind = DecisionKind::kInitial);
  // The request's decisions, oldest first, and the latest one (nothing when undecided).
  std::vector<DecisionRecord> Decisions(const std::string& request_id);
  std::optional<DecisionRecord> LatestDecision(const std::string& request_id);

  // --- searches (the search log, policy 4.5.3.3) -----------------------------------------------
  // Inserts the search row, what became of each probe, its faces (quality and crop included) and
  // candidates. The database itself refuses a search whose decision is not an approval of the
  // same request (policy 4.5).
  std::int64_t RecordSearch(const NewSearch& search);
  // The request's searches, oldest first (a re-search names its parent).
  std::vector<SearchRecord> Searches(const std::string& request_id);
  std::vector<SearchRecord> SearchLog();  // every search, oldest first
  // The faces of a search with quality, crop and candidates, by probe then face index.
  std::vector<FaceResult> SearchFaces(std::int64_t search_id);
  // What became of each probe of a search, by probe id; empty for searches recorded before the
  // per-probe record existed (schema 5).
  std::vector<ProbeSearchRecord> SearchProbes(std::int64_t search_id);
  // Policy 4.5.3.3: the outcome of search `search_id`, as reported by `by`.
  void RecordOutcome(std::int64_t search_id, const OutcomeReport& outcome, const std::string& note,
                     const std::string& by);

  // --- events (what happened, by whom) ------------------------------------------------------
  // Appends a row to the hash-chained audit trail (casework/audit_trail.h), in the caller's
  // transaction when there is one, else in a transaction of its own.
  void AddEvent(const std::optional<std::string>& request_id, const std::string& actor,
                const std::string& action, const std::string& detail,
                const std::string& from_state = "", const std::string& to_state = "");
  // The request's rows of the audit trail, oldest first.
  std::vector<EventRecord> Events(const std::string& request_id);

 private:
  void Migrate();

  SqliteDb db_;  // first: the views below keep a reference to it
  MessageLog messages_;
  Outbox outbox_;
};

}  // namespace rtcc::casework
