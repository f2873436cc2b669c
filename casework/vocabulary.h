// The words of the casework records (records.h) that the database stores as TEXT, as enums:
// ToString gives the word stored, Parse<Name> reads it back (std::nullopt for a word rtcc does not
// know), as request_state.h does for a request's state. The store reads and writes the very words
// it always has; nothing else compares them as strings. (A search's outcome is policy.h's
// OutcomeKind; a reply's kind is reply_kind.h's ReplyKind.)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rtcc::casework {

// messages.status.
enum class MessageStatus {
  kSpooled,    // "spooled": recorded, not yet handled
  kProcessed,  // "processed": handled (see MessageKind)
};
std::string_view ToString(MessageStatus status);
std::optional<MessageStatus> ParseMessageStatus(std::string_view text);

// messages.kind: what intake made of a processed message.
enum class MessageKind {
  kRequest,         // "request": it filed a new request
  kFollowUp,        // "follow_up": it belongs to a request (completes it, or is attached to it)
  kOutcome,         // "outcome": it reports the outcome of a search (policy 4.5.3.3)
  kWithdrawal,      // "withdrawal": the requestor asks to withdraw the request
  kUnauthorized,    // "unauthorized": sender not allowed or not vouched for (quarantined)
  kOversize,        // "oversize": over the size cap, only its header was read
  kDuplicate,       // "duplicate": the same message seen before under another UID
  kFailed,          // "failed": set aside after too many attempts (issue 9)
  kAutoReply,       // "auto_reply": out-of-office notice, read receipt (RFC 3834)
  kDeliveryReport,  // "delivery_report": bounce or delay (RFC 3464)
  kAutomatic,       // "automatic": other mail written by a program (bulk, list, robot)
};
std::string_view ToString(MessageKind kind);
std::optional<MessageKind> ParseMessageKind(std::string_view text);

// outbox.state.
enum class OutboxState {
  kQueued,   // "queued": not handed to SMTP yet (or refused by it)
  kSending,  // "sending": handed to SMTP, outcome unknown (check the Sent folder first)
  kSent,     // "sent"
};
std::string_view ToString(OutboxState state);
std::optional<OutboxState> ParseOutboxState(std::string_view text);

// decisions.decision (policy 4.5).
enum class Decision {
  kApproved,  // "approved"
  kDenied,    // "denied"
};
std::string_view ToString(Decision decision);
std::optional<Decision> ParseDecision(std::string_view text);

// decisions.kind.
enum class DecisionKind {
  kInitial,   // "initial": the decision on the request as filed
  kResearch,  // "research": the approval of a subsequent search (policy 4.5.3.4)
};
std::string_view ToString(DecisionKind kind);
std::optional<DecisionKind> ParseDecisionKind(std::string_view text);

// search_faces.quality_grade (policy 4.3.4.1); casework's own copy of the matcher's grade.
enum class QualityGrade {
  kGood,  // "good"
  kFair,  // "fair"
  kPoor,  // "poor": every results reply warns under the face (PoorQualityWarning)
};
std::string_view ToString(QualityGrade grade);
std::optional<QualityGrade> ParseQualityGrade(std::string_view text);

// search_probes.status: what became of one probe image in a search.
enum class ProbeStatus {
  kSearched,    // "searched": at least one face found and searched
  kNoFace,      // "no_face"
  kUnreadable,  // "unreadable": not an image rtcc can decode
};
std::string_view ToString(ProbeStatus status);
std::optional<ProbeStatus> ParseProbeStatus(std::string_view text);

// The word of `value` as stored (its ToString), for display; "" for std::nullopt (not recorded).
template <typename E>
std::string Word(E value) {
  return std::string(ToString(value));
}
template <typename E>
std::string Word(const std::optional<E>& value) {
  return value ? Word(*value) : std::string();
}
// The word as an SQL string literal ('approved'), for a query that compares the column itself (no
// word holds a quote).
template <typename E>
std::string SqlWord(E value) {
  return "'" + Word(value) + "'";
}

}  // namespace rtcc::casework
