// Every kind of mail rtcc sends, in one table: the word stored in outbox.kind, the template it is
// rendered from (templates/<name>.mustache) and whether intake sends it on its own in answer to a
// message (those count toward the per-request cap of automatic replies, the mail-loop guard).
// Every other list of reply kinds (the templates the daemon requires, the kinds the cap counts)
// is derived from it.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace rtcc::casework {

enum class ReplyKind {
  kAcknowledgement,     // the request is complete and waits for an analyst
  kNeedsInfo,           // policy 4.5.3.1: what is missing
  kDenied,              // an analyst refused the request
  kResults,             // the search's candidates with every caveat (policy 4.5.3.2)
  kOutcomeRecorded,     // policy 4.5.3.3: the outcome reported was recorded
  kOutcomeUnclear,      // the outcome reported was not understood
  kOutcomeNeedsThread,  // an outcome without a reply token: ask for a reply to rtcc's own mail
  kTooLarge,            // the message is over the size cap
  kWithdrawn,           // the requestor withdrew the request
  kCannotWithdraw,      // too late to withdraw: the search has run (or it was decided)
  kOutcomeReminder,     // policy 4.5.3.3: the outcome has not arrived
};

struct ReplyKindInfo {
  ReplyKind kind;
  std::string_view name;           // outbox.kind
  std::string_view template_name;  // templates/<template_name>.mustache
  bool from_intake;  // sent by intake in answer to a message; counts toward the reply cap
};

// The table: one row per ReplyKind, in the order above.
std::span<const ReplyKindInfo> ReplyKinds();

std::string_view ToString(ReplyKind kind);  // "acknowledgement", "needs_info", ...
std::optional<ReplyKind> ParseReplyKind(std::string_view text);
std::string_view TemplateName(ReplyKind kind);

// The kinds intake sends on its own (ReplyKindInfo::from_intake).
std::vector<ReplyKind> IntakeReplyKinds();

}  // namespace rtcc::casework
