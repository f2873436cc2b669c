#include "daemon/reply_composer.h"

#include <cctype>
#include <cstdio>
#include <string_view>

#include "base/pattern.h"
#include "base/strings.h"
#include "casework/policy.h"
#include "mail/outgoing_message.h"
#include "mail/subject.h"

namespace rtcc::daemon {
namespace {

using casework::FaceResult;
using casework::ProbeRecord;
using casework::ReplyKind;
using casework::RequestRecord;

// References longer than this are cut to the first message and the most recent ones (RFC 5322
// allows it; some servers refuse very long header fields).
constexpr std::size_t kMaxReferences = 20;

std::string Domain(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? address : address.substr(at + 1);
}

using base::Fixed;

std::string PurposeText(const RequestRecord& r) {
  if (r.purpose_code)
    if (auto p = casework::ParsePurposeCode(*r.purpose_code))
      return std::string(casework::Describe(*p)) + " (\"" + r.purpose_text.value_or("") + "\")";
  return r.purpose_text.value_or("(not stated)");
}

mstch::map BaseContext(const RequestRecord& r, const MailIdentity& id) {
  return mstch::map{
      {"request_id", r.id},
      {"base_subject", BaseSubject(r.subject).empty() ? std::string("Facial recognition request")
                                                      : BaseSubject(r.subject)},
      {"greeting", "Hello " + (r.requestor_name.empty() ? r.requestor : r.requestor_name)},
      {"incident_number", r.incident_number.value_or("(none given)")},
      {"incident_type", r.incident_type.value_or("(none given)")},
      {"purpose", PurposeText(r)},
      {"signature", id.signature},
  };
}

}  // namespace

const std::vector<std::string>& RequiredTemplates() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& info : casework::ReplyKinds()) names.emplace_back(info.template_name);
    return names;
  }();
  return kNames;
}

namespace {

// True when `s` ends with a request tag, "[RTCC-2026-000001]" in any letter case.
bool EndsWithTag(std::string_view s) {
  constexpr std::string_view kShape = "[RTCC-0000-000000]";
  if (s.size() < kShape.size()) return false;
  s.remove_prefix(s.size() - kShape.size());
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
    if (kShape[i] == '0' ? !std::isdigit(static_cast<unsigned char>(c)) : c != kShape[i])
      return false;
  }
  return true;
}

}  // namespace

std::string BaseSubject(const std::string& subject) {
  // After a tag, the suffix of rtcc's own subjects ("... [RTCC-2026-000001] - search results").
  static const auto kSuffix = base::CompilePattern(R"(\s*-\s*[a-z ]+)", base::Case::kInsensitive);
  // Each tag goes as it closes, with the blanks before it, so that removing one cannot leave
  // another ("[RTCC-2026-[RTCC-2026-000001]000002]"); line breaks become spaces (the subject of a
  // reply is one header line: RFC 2047 words can encode a CR or LF, which BuildMessage refuses).
  std::string s;
  for (std::size_t i = 0; i < subject.size(); ++i) {
    char c = subject[i];
    s += c == '\r' || c == '\n' ? ' ' : c;
    if (c != ']' || !EndsWithTag(s)) continue;
    s.resize(s.size() - 18);
    while (!s.empty() && std::string_view(" \t\n\f\r").find(s.back()) != std::string_view::npos)
      s.pop_back();
    std::string_view rest = std::string_view(subject).substr(i + 1);
    if (RE2::FullMatch(re2::StringPiece(rest.data(), rest.size()), *kSuffix)) break;
  }
  return mail::StripReplyPrefixes(s);
}

ReplyComposer::ReplyComposer(const templates::TemplateSet& templates, MailIdentity identity,
                             const ThreadToken& tokens)
    : templates_(templates), identity_(std::move(identity)), tokens_(tokens) {}

std::int64_t ReplyComposer::Queue(casework::Store& store,
                                  const std::optional<std::string>& request_id,
                                  const std::string& to, ReplyKind kind,
                                  const templates::RenderedText& text,
                                  const std::string& in_reply_to, std::vector<std::string> refs,
                                  std::vector<mail::OutgoingAttachment> attachments) {
  mail::OutgoingMessage m;
  m.from = identity_.from;
  m.from_name = identity_.from_name;
  m.to = to;
  m.subject = text.subject;
  // About a request: a reply token, so that answers to it provably belong to that request.
  m.message_id = request_id ? tokens_.NewMessageId(*request_id, Domain(identity_.from))
                            : mail::NewMessageId("rtcc", Domain(identity_.from));
  m.in_reply_to = in_reply_to;
  if (refs.size() > kMaxReferences) {
    std::vector<std::string> cut = {refs.front()};
    cut.insert(cut.end(), refs.end() - (kMaxReferences - 1), refs.end());
    refs = cut;
  }
  m.references = refs;
  m.text_body = text.body;
  m.attachments = std::move(attachments);
  // RFC 3834: automatic replies say so, and ask other robots not to answer them.
  m.extra_headers = {{"Auto-Submitted", "auto-replied"}, {"X-Auto-Response-Suppress", "All"}};
  if (request_id) m.extra_headers.push_back({"X-RTCC-Request", *request_id});
  return store.outbox().Queue(request_id, kind, m.message_id, to, mail::BuildMessage(m));
}

templates::RenderedText ReplyComposer::Render(ReplyKind kind, const mstch::map& context) const {
  return templates_.Render(std::string(casework::TemplateName(kind)), context);
}

void ReplyComposer::QueueForRequest(casework::Store& store, const RequestRecord& r, ReplyKind kind,
                                    mstch::map extra, const std::string& in_reply_to) {
  mstch::map ctx = BaseContext(r, identity_);
  for (auto& [k, v] : extra) ctx.insert_or_assign(k, v);
  std::string parent = in_reply_to.empty() ? r.thread_message_id : in_reply_to;
  Queue(store, r.id, r.requestor, kind, Render(kind, ctx), parent,
        store.messages().ThreadMessageIds(r.id));
}

bool ReplyComposer::QueueIntakeReply(casework::Store& store, const casework::IntakeResult& result,
                                     const IncomingRef& in) {
  if (!result.reply) return false;
  const ReplyKind kind = *result.reply;
  if (kind == ReplyKind::kTooLarge) {
    mstch::map ctx{{"request_id", result.request_id.value_or("")},
                   {"has_request", result.request_id.has_value()},
                   {"base_subject", BaseSubject(in.subject).empty() ? std::string("your message")
                                                                    : BaseSubject(in.subject)},
                   {"greeting", "Hello " + (in.from_name.empty() ? in.from_address : in.from_name)},
                   {"size_mb", Fixed(static_cast<double>(in.size) / (1024 * 1024), 1)},
                   {"limit_mb", Fixed(static_cast<double>(in.size_limit) / (1024 * 1024), 1)},
                   {"signature", identity_.signature}};
    std::vector<std::string> refs = in.references;
    refs.push_back(in.message_id);
    Queue(store, result.request_id, in.from_address, kind, Render(kind, ctx), in.message_id, refs);
    return true;
  }
  if (!result.request_id) return false;
  RequestRecord r = store.GetRequest(*result.request_id);
  mstch::map extra;
  switch (kind) {
    case ReplyKind::kAcknowledgement: {
      auto probes = store.Probes(r.id);
      mstch::array list;
      for (const auto& p : probes)
        list.push_back(
            mstch::map{{"filename", p.filename.empty() ? p.sha256.substr(0, 12) : p.filename}});
      extra = {{"probes", list},
               {"probe_count", std::to_string(probes.size())},
               {"has_unused_attachments", !in.unused_attachments.empty()},
               {"unused_attachments", templates::StringList(in.unused_attachments)}};
      break;
    }
    case ReplyKind::kNeedsInfo:
      extra = {{"missing", templates::StringList(result.missing)},
               {"has_unused_attachments", !in.unused_attachments.empty()},
               {"unused_attachments", templates::StringList(in.unused_attachments)}};
      break;
    case ReplyKind::kOutcomeRecorded:
    case ReplyKind::kOutcomeUnclear:
    case ReplyKind::kOutcomeNeedsThread:
      extra = {{"outcome", in.outcome}};
      break;
    case ReplyKind::kWithdrawn:
      break;
    case ReplyKind::kCannotWithdraw:
      extra = {{"state", std::string(ToString(r.state))}};
      break;
    case ReplyKind::kTooLarge:
    case ReplyKind::kDenied:
    case ReplyKind::kResults:
    case ReplyKind::kOutcomeReminder:
      return false;  // not an answer to a message (casework::IntakeReplyKinds)
  }
  QueueForRequest(store, r, kind, std::move(extra), in.message_id);
  return true;
}

void ReplyComposer::QueueReminder(casework::Store& store, const RequestRecord& r,
                                  int reminder_number, int max_reminders) {
  QueueForRequest(store, r, ReplyKind::kOutcomeReminder,
                  {{"results_sent", r.updated_at},
                   {"reminder_number", std::to_string(reminder_number)},
                   {"max_reminders", std::to_string(max_reminders)}},
                  "");
}

void ReplyComposer::QueueDenied(casework::Store& store, const RequestRecord& r,
                                const casework::DecisionRecord& d) {
  QueueForRequest(store, r, ReplyKind::kDenied, {{"analyst", d.analyst}, {"reason", d.reason}}, "");
}

templates::RenderedText ReplyComposer::RenderResults(const RequestRecord& r,
                                                     const ResultsFacts& facts) const {
  mstch::map ctx = BaseContext(r, identity_);
  AddResultsContext(facts, ctx);
  templates::RenderedText text = Render(ReplyKind::kResults, ctx);
  // The safeguards are the product: never let a results reply out without them.
  CheckResultsBody(text.body, facts);
  return text;
}

void ReplyComposer::QueueResults(casework::Store& store, const RequestRecord& r,
                                 const casework::DecisionRecord& approval,
                                 const casework::SearchRecord& s) {
  ResultsFacts facts{approval, s, store.SearchFaces(s.id), store.Probes(r.id),
                     store.SearchProbes(s.id)};
  auto text = RenderResults(r, facts);
  std::int64_t outbox_id =
      Queue(store, r.id, r.requestor, ReplyKind::kResults, text, r.thread_message_id,
            store.messages().ThreadMessageIds(r.id), CropAttachments(facts.faces, facts.probes));
  int listed = 0;
  for (const auto& f : facts.faces) listed += static_cast<int>(f.candidates.size());
  store.outbox().RecordCandidatesListed(outbox_id, listed);  // the audit re-checks it (4.5.3.2)
}

void ReplyComposer::SelfCheck() const {
  RequestRecord r;
  r.id = "RTCC-2000-000000";
  r.requestor = "self-check@invalid";
  RenderResults(r, SelfCheckResults(r.id));
}

}  // namespace rtcc::daemon
