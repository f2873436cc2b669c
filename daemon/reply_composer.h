// Composes every reply rtcc sends from templates/ and queues it in the outbox, inside the
// caller's transaction. Results replies are checked before they are queued: they must carry every
// caveat of the policy (4.3.4, 4.3.4.1, 4.5.3.2) and every candidate the search found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "casework/store.h"
#include "casework/workflow.h"
#include "daemon/results_reply.h"
#include "daemon/thread_token.h"
#include "mail/outgoing_message.h"
#include "templates/template_set.h"

namespace rtcc::daemon {

struct MailIdentity {
  std::string from;       // the RTCC mailbox address
  std::string from_name;  // display name
  std::string signature;  // last line of every reply
};

// The incoming message a reply answers.
struct IncomingRef {
  std::string from_address;
  std::string from_name;
  std::string subject;
  std::string message_id;
  std::vector<std::string> references;
  std::string outcome;    // the "Outcome:" line, for outcome replies
  std::int64_t size = 0;  // bytes, for the too-large reply
  std::int64_t size_limit = 0;
  // Attachments not used as probes, one sentence each (IncomingMail::unused_attachments): the
  // acknowledgement and the needs-info reply name them, so nothing is dropped unsaid.
  std::vector<std::string> unused_attachments;
};

// The templates every reply kind needs (casework::ReplyKinds); the daemon refuses to start
// without them.
const std::vector<std::string>& RequiredTemplates();

class ReplyComposer {
 public:
  // Keeps references to `templates` and `tokens`, which must outlive it.
  ReplyComposer(const templates::TemplateSet& templates, MailIdentity identity,
                const ThreadToken& tokens);

  // Queues the reply casework asked for in answer to `incoming` (IntakeResult::reply), threaded
  // to it. Returns false when there is nothing to send.
  bool QueueIntakeReply(casework::Store& store, const casework::IntakeResult& result,
                        const IncomingRef& incoming);

  void QueueDenied(casework::Store& store, const casework::RequestRecord& request,
                   const casework::DecisionRecord& decision);
  // Policy 4.5.3.3: asks the requestor of an AWAITING_OUTCOME request for the outcome, in the
  // request's thread (a reply carries the token that lets the outcome be recorded).
  void QueueReminder(casework::Store& store, const casework::RequestRecord& request,
                     int reminder_number, int max_reminders);
  // Queues the results of `search`: every probe (those with no face or unreadable said so), every
  // face with its quality grade, reasons and measures (policy 4.3.4.1) and its crop attached as
  // probeN-faceM.jpg, every candidate, the threshold, model and gallery snapshot. Throws
  // templates::TemplateError if the rendered reply lacks a caveat, a candidate, a quality reason,
  // a poor-quality warning, a crop's name, a probe, why a probe was unreadable, or the threshold.
  // Records how many candidates it lists (the monthly audit re-checks it).
  void QueueResults(casework::Store& store, const casework::RequestRecord& request,
                    const casework::DecisionRecord& approval, const casework::SearchRecord& search);

  // Renders a results reply for a made-up search and checks it as QueueResults does, so that a
  // template that drops the caveats stops the daemon at start rather than at the first search.
  void SelfCheck() const;

 private:
  // Renders the results reply and refuses it (TemplateError) unless CheckResultsBody passes.
  templates::RenderedText RenderResults(const casework::RequestRecord& request,
                                        const ResultsFacts& facts) const;
  // Renders the template of `kind` with `context`.
  templates::RenderedText Render(casework::ReplyKind kind, const mstch::map& context) const;
  // Renders `kind` for `request` with `extra` context and queues it to the requestor.
  void QueueForRequest(casework::Store& store, const casework::RequestRecord& request,
                       casework::ReplyKind kind, mstch::map extra, const std::string& in_reply_to);
  // Queues a message with `attachments` after its text and returns its outbox id; `request` may
  // be absent (a reply to a message that filed nothing).
  std::int64_t Queue(casework::Store& store, const std::optional<std::string>& request_id,
                     const std::string& to, casework::ReplyKind kind,
                     const templates::RenderedText& text, const std::string& in_reply_to,
                     std::vector<std::string> references,
                     std::vector<mail::OutgoingAttachment> attachments = {});

  const templates::TemplateSet& templates_;
  MailIdentity identity_;
  const ThreadToken& tokens_;
};

// "Re: Re: [RTCC-2026-000001] Photo" -> "Photo": the subject without reply prefixes and tags, on
// one line (line breaks become spaces). Linear in the length of the subject.
std::string BaseSubject(const std::string& subject);

}  // namespace rtcc::daemon
