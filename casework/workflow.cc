#include "casework/workflow.h"

#include <cctype>

#include "base/strings.h"
#include "casework/request_id.h"

namespace rtcc::casework {
namespace {

constexpr const char* kDaemon = "rtccd";

using base::Lower;

RequestContents Contents(Store& store, const RequestRecord& r) {
  RequestContents c;
  c.probe_images = static_cast<int>(store.Probes(r.id).size());
  c.incident_number = r.incident_number;
  c.incident_type = r.incident_type;
  c.purpose = r.purpose_text;
  return c;
}

void AddImages(Store& store, const std::string& request_id, const IncomingMail& mail) {
  for (const auto& img : mail.images)
    store.AddProbe(request_id, mail.message_row, img.filename, img.content_type, img.sha256,
                   img.size);
  for (const auto& unused : mail.unused_attachments)
    store.AddEvent(request_id, mail.from_address, "attachment not used", unused);
}

MessageKind KindOf(Automatic a) {
  switch (a) {
    case Automatic::kAutoReply:
      return MessageKind::kAutoReply;
    case Automatic::kDeliveryReport:
      return MessageKind::kDeliveryReport;
    default:
      return MessageKind::kAutomatic;
  }
}

// RFC 3834: recorded (on its request when it has one), never answered.
IntakeResult RecordAutomatic(Store& store, const IncomingMail& mail,
                             const std::optional<std::string>& request_id) {
  std::string action = "automatic message recorded";
  std::string detail = "from " + mail.from_address + ": " + mail.subject;
  if (mail.automatic == Automatic::kAutoReply) {
    action = "automatic reply received";
  } else if (mail.automatic == Automatic::kDeliveryReport) {
    action = mail.delivery_action == DeliveryAction::kFailed    ? "delivery failed"
             : mail.delivery_action == DeliveryAction::kDelayed ? "delivery delayed"
                                                                : "delivery report received";
    if (!mail.delivery_reason.empty()) detail = mail.delivery_reason;
  }
  store.AddEvent(request_id, kDaemon, action, detail);
  return {
      KindOf(mail.automatic), request_id, std::nullopt, {}, action + ": never answered (RFC 3834)"};
}

// Validates a RECEIVED or NEEDS_INFO request and moves it on (policy 4.5.3.1, 4.5.1).
IntakeResult Validate(Store& store, RequestRecord r, IntakeResult result,
                      const SenderPolicy& policy) {
  // Policy 4.5.2: flag what suggests a prohibited use; the analyst sees it and decides.
  std::string text = r.subject + "\n" + r.incident_type.value_or("") + "\n" +
                     r.purpose_text.value_or("") + "\n" + r.notes;
  auto flags = FindProhibitedUses(text, policy.prohibited_phrases);
  if (flags != r.flags) {
    r.flags = flags;
    store.UpdateRequestFields(r);
    for (const auto& f : flags) store.AddEvent(r.id, kDaemon, "flagged for review", "policy " + f);
  }
  if (r.purpose_text) {
    auto purpose = ClassifyPurpose(*r.purpose_text);
    r.purpose_code =
        purpose ? std::optional<std::string>(std::string(Code(*purpose))) : std::nullopt;
    store.UpdateRequestFields(r);
  }
  result.missing = MissingItems(Contents(store, r));
  if (result.missing.empty()) {
    store.Transition(r.id, RequestState::kPendingApproval, kDaemon, "request complete");
    result.reply = ReplyKind::kAcknowledgement;
  } else {
    if (r.state != RequestState::kNeedsInfo)
      store.Transition(r.id, RequestState::kNeedsInfo, kDaemon,
                       std::to_string(result.missing.size()) + " item(s) missing");
    result.reply = ReplyKind::kNeedsInfo;
  }
  return result;
}

IntakeResult FileNewRequest(Store& store, const IncomingMail& mail, const SenderPolicy& policy) {
  NewRequest n;
  n.requestor = mail.from_address;
  n.requestor_name = mail.from_name;
  n.subject = mail.subject;
  n.incident_number = mail.incident_number;
  n.incident_type = mail.incident_type;
  n.purpose_text = mail.purpose;
  n.notes = mail.notes;
  n.thread_message_id = mail.message_id;
  RequestRecord r = store.CreateRequest(n, kDaemon);
  AddImages(store, r.id, mail);
  return Validate(
      store, r, IntakeResult{MessageKind::kRequest, r.id, std::nullopt, {}, "new request"}, policy);
}

// Policy 4.5.3.3: a reply in the thread of rtcc's own mail about an AWAITING_OUTCOME request,
// with no "Outcome:" line: its words are read as the outcome. When they cannot be, the reply is
// recorded as an unread outcome reply (for the analysts) and the requestor is asked, once, for a
// one-word answer; it is never dropped.
IntakeResult PlainWordsOutcome(Store& store, const RequestRecord& r, const IncomingMail& mail,
                               IntakeResult result) {
  result.kind = MessageKind::kOutcome;
  if (auto outcome = ParseOutcomeReport(mail.notes)) {
    RecordOutcome(store, r.id, *outcome, mail.notes, mail.from_address);
    result.reply = ReplyKind::kOutcomeRecorded;
    result.note = "outcome in plain words: " + std::string(ToString(outcome->kind));
    return result;
  }
  store.AddEvent(r.id, mail.from_address, kUnreadOutcomeReply, mail.notes.substr(0, 500));
  result.note = "unread outcome reply";
  if (store.outbox().Count(r.id, {ReplyKind::kOutcomeUnclear}) == 0)
    result.reply = ReplyKind::kOutcomeUnclear;
  else
    result.note += " (the requestor was already asked)";
  return result;
}

IntakeResult FollowUp(Store& store, RequestRecord r, const IncomingMail& mail,
                      const SenderPolicy& policy) {
  IntakeResult result{MessageKind::kFollowUp, r.id, std::nullopt, {}, "follow-up"};
  // Only the requestor may complete a request or report its outcome; anyone else's message in
  // the thread is kept with the request and nothing more.
  if (mail.from_address != r.requestor) {
    store.AddEvent(r.id, mail.from_address, "message attached",
                   "from someone other than the requestor");
    result.note = "in the thread of " + r.id + " but not from its requestor";
    return result;
  }
  if (mail.withdraw) {
    result.kind = MessageKind::kWithdrawal;
    if (CanTransition(r.state, RequestState::kWithdrawn)) {
      store.Transition(r.id, RequestState::kWithdrawn, mail.from_address,
                       "withdrawn by the requestor");
      result.reply = ReplyKind::kWithdrawn;
      result.note = "withdrawn by the requestor";
    } else {
      store.AddEvent(r.id, mail.from_address, "withdrawal refused",
                     "the request is " + std::string(ToString(r.state)));
      result.reply = ReplyKind::kCannotWithdraw;
      result.note = "too late to withdraw (" + std::string(ToString(r.state)) + ")";
    }
    return result;
  }
  // Policy 4.5.3.3: the outcome of a search, reported by e-mail: an "Outcome:" line, or the
  // plain words of a reply in the thread of rtcc's own mail ("we arrested him, it was #2").
  const bool awaiting =
      r.state == RequestState::kAwaitingOutcome || r.state == RequestState::kResultsSent;
  if (awaiting && !mail.outcome && mail.verified_request_id == r.id && mail.images.empty() &&
      !mail.notes.empty())
    return PlainWordsOutcome(store, r, mail, result);
  if (mail.outcome && awaiting) {
    auto outcome = ParseOutcomeReport(*mail.outcome);
    result.kind = MessageKind::kOutcome;
    if (mail.verified_request_id != r.id) {
      // Found by subject tag or a guessable id only: do not let that change the log.
      result.reply = ReplyKind::kOutcomeNeedsThread;
      result.note = "outcome without a reply token: not recorded";
      store.AddEvent(r.id, mail.from_address, "outcome not recorded",
                     "the message does not reply to rtcc's own mail: " + *mail.outcome);
      return result;
    }
    if (!outcome) {
      result.reply = ReplyKind::kOutcomeUnclear;
      result.note = "outcome not understood: " + *mail.outcome;
      store.AddEvent(r.id, mail.from_address, "outcome not understood", *mail.outcome);
      return result;
    }
    RecordOutcome(store, r.id, *outcome, *mail.outcome, mail.from_address);
    result.reply = ReplyKind::kOutcomeRecorded;
    result.note = "outcome: " + std::string(ToString(outcome->kind));
    return result;
  }
  if (r.state == RequestState::kNeedsInfo) {
    // A follow-up supplies what was missing (policy 4.5.3.1); what it states replaces what was.
    if (mail.incident_number) r.incident_number = mail.incident_number;
    if (mail.incident_type) r.incident_type = mail.incident_type;
    if (mail.purpose) r.purpose_text = mail.purpose;
    if (!mail.notes.empty()) r.notes = r.notes.empty() ? mail.notes : r.notes + "\n\n" + mail.notes;
    store.UpdateRequestFields(r);
    AddImages(store, r.id, mail);
    store.AddEvent(r.id, mail.from_address, "follow-up received", "fields or probes supplied");
    return Validate(store, r, result, policy);
  }
  store.AddEvent(r.id, mail.from_address, "message attached",
                 "state " + std::string(ToString(r.state)));
  return result;
}

// Policy 4.5: an analyst's decision on a PENDING_APPROVAL request, with who and why.
DecisionRecord Decide(Store& store, const std::string& request_id, const Operator& analyst,
                      const std::string& reason, Decision decision, RequestState to,
                      const std::string& override_reason) {
  if (analyst.name.empty() || reason.empty())
    throw WorkflowError("a decision needs the analyst's name and a reason");
  RequestRecord r = store.GetRequest(request_id);
  if (r.state != RequestState::kPendingApproval)
    throw WorkflowError("request " + request_id + " is " + std::string(ToString(r.state)) +
                        "; only a PENDING_APPROVAL request can be " + Word(decision));
  const bool approval = decision == Decision::kApproved;
  if (approval) {
    if (!analyst.email.empty() && Lower(analyst.email) == Lower(r.requestor))
      throw WorkflowError(analyst.name + " filed " + request_id +
                          " and cannot approve it: another analyst must (policy 4.5)");
    if (!r.flags.empty() && override_reason.empty())
      throw WorkflowError(
          request_id +
          " is flagged for a possible prohibited use (policy 4.5.2: " + r.flags.front() +
          (r.flags.size() > 1 ? " and " + std::to_string(r.flags.size() - 1) + " more" : "") +
          "); approving it needs --override with the reason it is allowed");
  }
  store.RecordDecision(request_id, decision, analyst.name, reason, approval ? override_reason : "");
  if (approval && !r.flags.empty())
    store.AddEvent(request_id, analyst.name, "flag overridden", override_reason);
  store.Transition(request_id, to, analyst.name, Word(decision) + ": " + reason);
  return *store.LatestDecision(request_id);
}

// Intake once the sender has passed the allow-list, `mail` naming the requestor.
IntakeResult IntakeFromRequestor(Store& store, const IncomingMail& mail,
                                 const SenderPolicy& senders) {
  // Which request does it belong to? A reply token first, then the thread, then the subject tag
  // of the same requestor.
  std::optional<std::string> request_id;
  if (mail.verified_request_id && store.FindRequest(*mail.verified_request_id))
    request_id = mail.verified_request_id;
  if (!request_id) request_id = store.messages().FindRequestByMessageIds(mail.thread_ids);
  if (!request_id) {
    if (auto tag = FindRequestTag(mail.subject)) {
      auto r = store.FindRequest(*tag);
      if (r && r->requestor == mail.from_address) request_id = tag;
    }
  }
  if (mail.automatic != Automatic::kNo) return RecordAutomatic(store, mail, request_id);
  if (mail.oversize) {
    store.AddEvent(request_id, kDaemon, "message over the size cap", "from " + mail.from_address);
    return {MessageKind::kOversize,
            request_id,
            ReplyKind::kTooLarge,
            {},
            "over the size cap: not read, sender told"};
  }
  if (request_id) return FollowUp(store, store.GetRequest(*request_id), mail, senders);
  return FileNewRequest(store, mail, senders);
}

}  // namespace

IncomingMail WithRequestor(IncomingMail mail, const SenderPolicy& senders) {
  if (!mail.reply_to_address.empty() && mail.reply_to_address != mail.from_address &&
      IsAuthorizedSender(mail.reply_to_address, senders.allowed_domains,
                         senders.allowed_addresses)) {
    mail.from_address = mail.reply_to_address;
    mail.from_name = mail.reply_to_name;
  }
  return mail;
}

IntakeResult Intake(Store& store, const IncomingMail& mail, const SenderPolicy& senders) {
  if (mail.automatic != Automatic::kNo && mail.verified_request_id &&
      store.FindRequest(*mail.verified_request_id))
    return RecordAutomatic(store, mail, mail.verified_request_id);
  if (!IsAuthorizedSender(mail.from_address, senders.allowed_domains, senders.allowed_addresses)) {
    store.AddEvent(std::nullopt, kDaemon, "unauthorized sender quarantined",
                   "from '" + mail.from_address + "' subject '" + mail.subject + "'");
    return {MessageKind::kUnauthorized,
            std::nullopt,
            std::nullopt,
            {},
            "sender not on the allow-list (policy 4.5)"};
  }
  if (senders.require_authentication && !mail.sender_authenticated) {
    store.AddEvent(std::nullopt, kDaemon, "unauthenticated sender quarantined",
                   "from '" + mail.from_address + "' subject '" + mail.subject +
                       "': " + mail.authentication_note);
    return {MessageKind::kUnauthorized,
            std::nullopt,
            std::nullopt,
            {},
            "sender not vouched for by the receiving server (" + mail.authentication_note + ")"};
  }
  // From has passed: from here on the sender is the requestor it names (Reply-To when allowed).
  return IntakeFromRequestor(store, WithRequestor(mail, senders), senders);
}

DecisionRecord Approve(Store& store, const std::string& request_id, const Operator& analyst,
                       const std::string& reason, const std::string& override_reason) {
  return Decide(store, request_id, analyst, reason, Decision::kApproved, RequestState::kSearching,
                override_reason);
}

DecisionRecord Deny(Store& store, const std::string& request_id, const Operator& analyst,
                    const std::string& reason) {
  return Decide(store, request_id, analyst, reason, Decision::kDenied, RequestState::kDenied, "");
}

DecisionRecord ApproveResearch(Store& store, const std::string& request_id, const Operator& analyst,
                               const std::string& reason) {
  if (analyst.name.empty() || reason.empty())
    throw WorkflowError("a re-search needs the analyst's name and a reason (policy 4.5.3.4)");
  RequestRecord r = store.GetRequest(request_id);
  auto searches = store.Searches(request_id);
  if (searches.empty())
    throw WorkflowError(request_id + " has not been searched yet: approve it first");
  const auto& last = searches.back();
  bool identified = last.outcome == OutcomeKind::kPositive;
  if (r.state != RequestState::kAwaitingOutcome &&
      !(r.state == RequestState::kClosed && !identified))
    throw WorkflowError("request " + request_id + " is " + std::string(ToString(r.state)) +
                        (identified ? " with a positive identification" : "") +
                        "; policy 4.5.3.4 allows a subsequent search only when no identification "
                        "was made (AWAITING_OUTCOME, or CLOSED without one)");
  if (!analyst.email.empty() && Lower(analyst.email) == Lower(r.requestor))
    throw WorkflowError(analyst.name + " filed " + request_id +
                        " and cannot approve its re-search");
  store.RecordDecision(request_id, Decision::kApproved, analyst.name, reason, "",
                       DecisionKind::kResearch);
  store.Transition(request_id, RequestState::kSearching, analyst.name,
                   "re-search of search " + std::to_string(last.id) + ": " + reason);
  return *store.LatestDecision(request_id);
}

SearchAuthorization AuthorizeSearch(Store& store, const std::string& request_id) {
  RequestRecord r = store.GetRequest(request_id);
  auto decision = store.LatestDecision(request_id);
  if (r.state != RequestState::kSearching || !decision || decision->decision != Decision::kApproved)
    throw WorkflowError("policy 4.5: request " + request_id + " has no approval in force (state " +
                        std::string(ToString(r.state)) + "); no search");
  return {r, *decision, store.Probes(request_id)};
}

std::int64_t RecordSearchResults(Store& store, const SearchAuthorization& auth, NewSearch search) {
  search.request_id = auth.request.id;
  search.decision_id = auth.approval.id;
  search.analyst = auth.approval.analyst;
  if (auth.approval.kind == DecisionKind::kResearch) {
    auto earlier = store.Searches(auth.request.id);
    if (!earlier.empty()) search.parent_search_id = earlier.back().id;  // policy 4.5.3.4
  }
  std::int64_t id = store.RecordSearch(search);
  int candidates = 0;
  for (const auto& f : search.faces) candidates += static_cast<int>(f.candidates.size());
  store.Transition(auth.request.id, RequestState::kResultsSent, "rtccd",
                   "search " + std::to_string(id) + ": " + std::to_string(search.faces.size()) +
                       " face(s), " + std::to_string(candidates) + " candidate(s)");
  return id;
}

void MarkReplySent(Store& store, const OutboxRecord& mail) {
  store.outbox().MarkSent(mail.id);
  if (!mail.request_id) return;
  store.AddEvent(mail.request_id, "rtccd", "reply sent", Word(mail.kind) + " to " + mail.recipient);
  if (mail.kind == ReplyKind::kResults &&
      store.GetRequest(*mail.request_id).state == RequestState::kResultsSent)
    store.Transition(*mail.request_id, RequestState::kAwaitingOutcome, "rtccd",
                     "results delivered to SMTP");
}

void RecordOutcome(Store& store, const std::string& request_id, const OutcomeReport& outcome,
                   const std::string& note, const std::string& actor) {
  RequestRecord r = store.GetRequest(request_id);
  if (r.state != RequestState::kAwaitingOutcome && r.state != RequestState::kResultsSent)
    throw WorkflowError("request " + request_id + " is " + std::string(ToString(r.state)) +
                        "; an outcome is recorded for a request AWAITING_OUTCOME");
  auto searches = store.Searches(request_id);
  if (searches.empty())
    throw WorkflowError("request " + request_id + " has no search to record an outcome for");
  store.RecordOutcome(searches.back().id, outcome, note, actor);
  std::string what = "outcome: " + std::string(ToString(outcome.kind));
  if (outcome.rank) what += ", candidate rank " + std::to_string(*outcome.rank);
  if (outcome.subject) what += ", subject " + *outcome.subject;
  store.Transition(request_id, RequestState::kClosed, actor, what);
}

}  // namespace rtcc::casework
