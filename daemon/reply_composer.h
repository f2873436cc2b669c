// Composes every reply rtcc sends from templates/ and queues it in the outbox, inside the
// caller's transaction. Results replies are checked before they are queued: they must carry every
// caveat of the policy (4.3.4, 4.3.4.1, 4.5.3.2) and every candidate the search found.
#pragma once

#include <string>
#include <vector>

#include "casework/store.h"
#include "templates/template_set.h"

namespace rtcc::daemon {

struct MailIdentity {
  std::string from;       // the RTCC mailbox address
  std::string from_name;  // display name
  std::string signature;  // last line of every reply
};

// The templates every reply kind needs; the daemon refuses to start without them.
const std::vector<std::string>& RequiredTemplates();

class ReplyComposer {
 public:
  ReplyComposer(const templates::TemplateSet& templates, MailIdentity identity);

  // Each Queue* renders one reply to the request's requestor, threads it (In-Reply-To the
  // message it answers, References the whole thread) and queues it in the outbox.
  void QueueAcknowledgement(casework::Store& store, const casework::RequestRecord& request,
                            const std::string& in_reply_to);
  void QueueNeedsInfo(casework::Store& store, const casework::RequestRecord& request,
                      const std::vector<std::string>& missing, const std::string& in_reply_to);
  void QueueDenied(casework::Store& store, const casework::RequestRecord& request,
                   const casework::DecisionRecord& decision);
  // Throws templates::TemplateError if the rendered reply lacks a caveat or a candidate.
  void QueueResults(casework::Store& store, const casework::RequestRecord& request,
                    const casework::DecisionRecord& approval, const casework::SearchRecord& search);
  void QueueOutcomeReply(casework::Store& store, const casework::RequestRecord& request,
                         bool understood, const std::string& outcome,
                         const std::string& in_reply_to);

  // Renders a results reply for a made-up search and checks it as QueueResults does, so that a
  // template that drops the caveats stops the daemon at start rather than at the first search.
  void SelfCheck() const;

 private:
  templates::RenderedText RenderResults(const casework::RequestRecord& request,
                                        const casework::DecisionRecord& approval,
                                        const casework::SearchRecord& search,
                                        const std::vector<casework::FaceResult>& faces,
                                        const std::vector<casework::ProbeRecord>& probes) const;
  void Queue(casework::Store& store, const casework::RequestRecord& request,
             const std::string& kind, const templates::RenderedText& text,
             const std::string& in_reply_to);

  const templates::TemplateSet& templates_;
  MailIdentity identity_;
};

// "Re: Re: [RTCC-2026-000001] Photo" -> "Photo": the subject without reply prefixes and tags.
std::string BaseSubject(const std::string& subject);

}  // namespace rtcc::daemon
