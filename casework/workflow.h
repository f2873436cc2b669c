// The workflow of DESIGN.md on top of the store: what happens when mail arrives, when an analyst
// decides, when a search finishes and when an outcome is reported. Every function here must be
// called inside a transaction the caller opened with Store::Begin(), so that the step, its event
// rows and the reply the caller queues commit together or not at all.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "casework/policy.h"
#include "casework/store.h"

namespace rtcc::casework {

// An incoming message, reduced to what the workflow needs. Images are already in the spool.
struct IncomingImage {
  std::string filename;
  std::string content_type;
  std::string sha256;
  std::int64_t size = 0;
};

// Mail written by a program (RFC 3834), which is recorded and never answered.
enum class Automatic {
  kNo,
  kAutoReply,       // out-of-office / vacation notice, read receipt
  kDeliveryReport,  // a delivery status notification (bounce, delay), RFC 3464
  kOther,           // bulk or list mail, mail from a robot address or from rtcc itself
};

// What a delivery report says happened to the reply it reports on.
enum class DeliveryAction { kOther, kDelayed, kFailed };

struct IncomingMail {
  std::int64_t message_row = 0;  // messages.id
  std::string from_address;
  std::string from_name;
  // Reply-To's first mailbox ("" when absent): the requestor when it is an allowed sender (a form
  // mailer's no-reply From with the detective in Reply-To); see WithRequestor.
  std::string reply_to_address;
  std::string reply_to_name;
  std::string subject;
  std::string message_id;
  std::vector<std::string> thread_ids;  // References then In-Reply-To: the ids it answers
  // The request proven by a reply token (an HMAC in rtcc's own Message-ID) that this message
  // references: it answers mail rtcc sent about that request, or (a delivery report or read
  // receipt) reports on such mail.
  std::optional<std::string> verified_request_id;
  Automatic automatic = Automatic::kNo;
  // For a delivery report: failed, delayed, or other (delivered, relayed, unknown), and the
  // reason per recipient as the reporting server gave it.
  DeliveryAction delivery_action = DeliveryAction::kOther;
  std::string delivery_reason;
  // The receiving server vouched for the sender (DKIM/DMARC pass per Authentication-Results).
  bool sender_authenticated = false;
  std::string authentication_note;  // what the server said, for the log
  bool oversize = false;            // over the size cap: only the header was read
  std::optional<std::string> incident_number;
  std::optional<std::string> incident_type;
  std::optional<std::string> purpose;
  std::optional<std::string> outcome;
  bool withdraw = false;  // the requestor asks to withdraw the request (policy.h AsksToWithdraw)
  std::string notes;
  std::vector<IncomingImage> images;
  // Attachments that are not probes, one sentence each for the request's history and the reply:
  // "report.pdf (application/pdf) was not used: only photos are searched".
  std::vector<std::string> unused_attachments;
};

struct SenderPolicy {
  std::vector<std::string> allowed_domains;  // policy 4.5: authorized personnel only
  std::vector<std::string> allowed_addresses;
  // When set, a sender on the allow-list must also be vouched for by the receiving server
  // (IncomingMail::sender_authenticated), so that a forged From cannot file a request.
  bool require_authentication = false;
  // Policy 4.5.2: phrases that flag a request for the analyst (never searched unnoticed).
  std::vector<ProhibitedPhrase> prohibited_phrases = DefaultProhibitedPhrases();
};

struct IntakeResult {
  MessageKind kind = MessageKind::kRequest;  // messages.kind
  std::optional<std::string> request_id;
  // What the caller must send in reply (rendered from templates/, queued in the same
  // transaction): one of the kinds intake sends on its own (IntakeReplyKinds), or none.
  std::optional<ReplyKind> reply;
  std::vector<std::string> missing;  // for ReplyKind::kNeedsInfo: one sentence per missing item
  std::string note;                  // for the log
};

// Files a new request, completes a NEEDS_INFO request with a follow-up, records an outcome, or
// records and ignores mail that must not be answered (unauthorized senders, automatic mail).
// A message belongs to a request by its reply token first, then by the Message-IDs of the
// thread, then by the subject tag when it comes from that request's requestor. An outcome is
// only recorded from the requestor in reply to rtcc's own mail (a verified token).
// Automatic mail proven by a reply token to be about rtcc's own mail (a bounce of a reply, an
// out-of-office answer to one) is recorded on its request ("delivery failed", "automatic reply
// received") whoever sent it: a bounce comes from a mail server, not from the allow-list. It is
// never answered and changes nothing else.
IntakeResult Intake(Store& store, const IncomingMail& mail, const SenderPolicy& senders);

// The event action of a reply about an AWAITING_OUTCOME request whose words could not be read as
// an outcome (policy 4.5.3.3): analysts see these in `rtccctl overdue` (UnreadOutcomeReplies).
inline constexpr const char* kUnreadOutcomeReply = "unread outcome reply";

// `mail` as the casework sees its sender once From has passed the allow-list: from_address and
// from_name replaced by Reply-To's when Reply-To names an allowed sender, unchanged otherwise
// (an outsider in Reply-To is never written to). Intake applies it after its checks of From;
// replies go to the same address.
IncomingMail WithRequestor(IncomingMail mail, const SenderPolicy& senders);

// Who acts: a roster name with a role (policy 4.5: authorized personnel only).
struct Operator {
  Operator(std::string name_, std::string email_ = "", bool supervisor_ = false)
      : name(std::move(name_)), email(std::move(email_)), supervisor(supervisor_) {}
  Operator(const char* name_) : Operator(std::string(name_)) {}
  std::string name;
  std::string email;  // "" when the roster has none; used to refuse self-approval
  bool supervisor = false;
};

// Analyst decisions (policy 4.5): the request must be PENDING_APPROVAL; a reason is required.
// Approval moves it to SEARCHING, denial to DENIED. Approving a request flagged for a prohibited
// use (4.5.2) needs `override_reason`; an operator cannot approve a request they filed.
DecisionRecord Approve(Store& store, const std::string& request_id, const Operator& analyst,
                       const std::string& reason, const std::string& override_reason = "");
DecisionRecord Deny(Store& store, const std::string& request_id, const Operator& analyst,
                    const std::string& reason);

// Policy 4.5.3.4: a subsequent search of the same probes when no identification was made: the
// request must be AWAITING_OUTCOME, or CLOSED without a positive identification. Records an
// approval of kind DecisionKind::kResearch and moves the request to SEARCHING; the search is
// logged as its own row linked to the previous one.
DecisionRecord ApproveResearch(Store& store, const std::string& request_id, const Operator& analyst,
                               const std::string& reason);

// The recorded approval that allows searching `request_id` now. The face search is only ever run
// with one of these in hand (policy 4.5: no search without approval).
struct SearchAuthorization {
  RequestRecord request;
  DecisionRecord approval;
  std::vector<ProbeRecord> probes;
};

// Throws WorkflowError unless the request is SEARCHING and its latest decision is an approval.
SearchAuthorization AuthorizeSearch(Store& store, const std::string& request_id);

// Stores a finished search (the search log row of policy 4.5.3.3, every face and candidate) and
// moves the request to RESULTS_SENT. The caller queues the results reply in the same transaction.
std::int64_t RecordSearchResults(Store& store, const SearchAuthorization& auth, NewSearch search);

// A reply left the building: a results reply moves its request to AWAITING_OUTCOME.
void MarkReplySent(Store& store, const OutboxRecord& mail);

// Policy 4.5.3.3: the outcome of the latest search, reported by the requestor (by e-mail, or
// entered by an analyst when phoned in). Updates that search row and closes the request, which
// must be AWAITING_OUTCOME (or RESULTS_SENT).
void RecordOutcome(Store& store, const std::string& request_id, const OutcomeReport& outcome,
                   const std::string& note, const std::string& actor);

}  // namespace rtcc::casework
