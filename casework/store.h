// The casework store: every request, message, decision, search and reply in one SQLite database
// (WAL, foreign keys, versioned schema). Each method is one statement or a few; callers group
// them into one transaction with Begin() so that every workflow step is atomic.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "casework/records.h"
#include "casework/sqlite_db.h"

namespace rtcc::casework {

// A workflow rule was broken (illegal transition, search without approval...). what() is a
// sentence for the operator.
class WorkflowError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "2026-11-25T14:30:05Z".
std::string UtcNow();
// Seconds since the epoch of a UtcNow() timestamp; 0 when it cannot be read.
std::int64_t ParseUtc(const std::string& timestamp);

class Store {
 public:
  // Opens or creates the database at `path` and brings its schema up to date.
  explicit Store(const std::filesystem::path& path);

  Transaction Begin() { return Transaction(db_); }
  Savepoint Mark() { return Savepoint(db_); }
  SqliteDb& db() { return db_; }

  // --- messages -----------------------------------------------------------------------------
  std::optional<MessageRecord> FindMessage(const std::string& mailbox, std::int64_t uidvalidity,
                                           std::int64_t uid);
  // The second guard against double processing: a message with the same content, or the same
  // non-empty Message-ID, seen before under any UID.
  std::optional<MessageRecord> FindMessageByContent(const std::string& sha256,
                                                    const std::string& message_id);
  // Records a spooled message (status "spooled"); returns its row id.
  std::int64_t RecordMessage(const NewMessage& message);
  std::vector<MessageRecord> MessagesToProcess();
  void MarkMessageProcessed(std::int64_t id, const std::string& kind,
                            const std::optional<std::string>& request_id, const std::string& note);
  void MarkMessageMoved(std::int64_t id, const std::string& folder);
  // Request ids whose thread includes one of `message_ids` (messages received or sent).
  std::optional<std::string> FindRequestByMessageIds(const std::vector<std::string>& message_ids);
  // The Message-IDs of a request's thread, oldest first (for References).
  std::vector<std::string> ThreadMessageIds(const std::string& request_id);

  // --- requests -----------------------------------------------------------------------------
  // Creates a request in state RECEIVED with the next id of the current year.
  RequestRecord CreateRequest(const NewRequest& request, const std::string& actor);
  std::optional<RequestRecord> FindRequest(const std::string& id);
  RequestRecord GetRequest(const std::string& id);  // throws WorkflowError when unknown
  // All requests, newest first; only those in `state` when given.
  std::vector<RequestRecord> ListRequests(std::optional<RequestState> state = std::nullopt);
  void UpdateRequestFields(const RequestRecord& request);
  // Moves `id` to `to` if the state machine allows it from its current state, and records the
  // event. Throws WorkflowError naming both states otherwise.
  void Transition(const std::string& id, RequestState to, const std::string& actor,
                  const std::string& detail);

  // --- probes -------------------------------------------------------------------------------
  // Adds a probe image (already in the spool). The same image twice in a request is one probe.
  std::int64_t AddProbe(const std::string& request_id, std::optional<std::int64_t> message_row,
                        const std::string& filename, const std::string& content_type,
                        const std::string& sha256, std::int64_t size);
  std::vector<ProbeRecord> Probes(const std::string& request_id);

  // --- decisions ----------------------------------------------------------------------------
  std::int64_t RecordDecision(const std::string& request_id, const std::string& decision,
                              const std::string& analyst, const std::string& reason);
  std::vector<DecisionRecord> Decisions(const std::string& request_id);
  std::optional<DecisionRecord> LatestDecision(const std::string& request_id);

  // --- searches (the search log, policy 4.5.3.3) -----------------------------------------------
  // Inserts the search row, what became of each probe, its faces (quality and crop included) and
  // candidates. The database itself refuses a search whose decision is not an approval of the
  // same request (policy 4.5).
  std::int64_t RecordSearch(const NewSearch& search);
  std::vector<SearchRecord> Searches(const std::string& request_id);
  std::vector<SearchRecord> SearchLog();  // every search, oldest first
  // The faces of a search with quality, crop and candidates, by probe then face index.
  std::vector<FaceResult> SearchFaces(std::int64_t search_id);
  // What became of each probe of a search, by probe id; empty for searches recorded before the
  // per-probe record existed (schema 3).
  std::vector<ProbeSearchRecord> SearchProbes(std::int64_t search_id);
  void RecordOutcome(std::int64_t search_id, bool positive_identification, const std::string& note);

  // --- outbox -------------------------------------------------------------------------------
  std::int64_t QueueMail(const std::optional<std::string>& request_id, const std::string& kind,
                         const std::string& message_id, const std::string& recipient,
                         const std::string& raw);
  // Messages not yet sent, oldest first: "queued", and "sending" ones whose outcome is unknown.
  std::vector<OutboxRecord> PendingMail();
  std::vector<OutboxRecord> Mail(const std::string& request_id);
  // Records that the message is about to be handed to SMTP (commit this before sending).
  void MarkMailSending(std::int64_t id);
  void MarkMailSent(std::int64_t id);
  // A failed attempt. With `maybe_delivered` the row stays "sending" (the server may have taken
  // it before failing: check the Sent folder before sending again); otherwise it is "queued".
  void MarkMailFailed(std::int64_t id, const std::string& error, bool maybe_delivered);
  // How many replies of `kinds` were queued for `request_id`.
  int CountMail(const std::string& request_id, const std::vector<std::string>& kinds);

  // --- events (what happened, by whom) ------------------------------------------------------
  void AddEvent(const std::optional<std::string>& request_id, const std::string& actor,
                const std::string& action, const std::string& detail,
                const std::string& from_state = "", const std::string& to_state = "");
  std::vector<EventRecord> Events(const std::string& request_id);

 private:
  void Migrate();

  SqliteDb db_;
};

}  // namespace rtcc::casework
