#include "daemon/reply_composer.h"

#include <cstdio>
#include <regex>

#include "casework/policy.h"
#include "mail/outgoing_message.h"

namespace rtcc::daemon {
namespace {

using casework::FaceResult;
using casework::ProbeRecord;
using casework::RequestRecord;

// References longer than this are cut to the first message and the most recent ones (RFC 5322
// allows it; some servers refuse very long header fields).
constexpr std::size_t kMaxReferences = 20;

std::string Domain(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? address : address.substr(at + 1);
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

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

mstch::array Strings(const std::vector<std::string>& items) {
  mstch::array a;
  for (const auto& s : items) a.push_back(s);
  return a;
}

}  // namespace

const std::vector<std::string>& RequiredTemplates() {
  static const std::vector<std::string> kNames = {
      "acknowledgement", "needs_info",           "denied",   "results", "outcome_recorded",
      "outcome_unclear", "outcome_needs_thread", "too_large"};
  return kNames;
}

std::string BaseSubject(const std::string& subject) {
  static const std::regex kPrefix(R"(^\s*((re|fw|fwd|aw|sv|antw)\s*:\s*)+)", std::regex::icase);
  static const std::regex kTag(R"(\s*\[RTCC-\d{4}-\d{6}\](\s*-\s*[a-z ]+$)?)", std::regex::icase);
  std::string s = std::regex_replace(subject, kTag, "");
  s = std::regex_replace(s, kPrefix, "");
  s = std::regex_replace(s, kTag, "");
  auto b = s.find_first_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

ReplyComposer::ReplyComposer(const templates::TemplateSet& templates, MailIdentity identity,
                             const ThreadToken& tokens)
    : templates_(templates), identity_(std::move(identity)), tokens_(tokens) {}

void ReplyComposer::Queue(casework::Store& store, const std::optional<std::string>& request_id,
                          const std::string& to, const std::string& kind,
                          const templates::RenderedText& text, const std::string& in_reply_to,
                          std::vector<std::string> refs) {
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
  // RFC 3834: automatic replies say so, and ask other robots not to answer them.
  m.extra_headers = {{"Auto-Submitted", "auto-replied"}, {"X-Auto-Response-Suppress", "All"}};
  if (request_id) m.extra_headers.push_back({"X-RTCC-Request", *request_id});
  store.QueueMail(request_id, kind, m.message_id, to, mail::BuildMessage(m));
}

void ReplyComposer::QueueForRequest(casework::Store& store, const RequestRecord& r,
                                    const std::string& name, mstch::map extra,
                                    const std::string& in_reply_to) {
  mstch::map ctx = BaseContext(r, identity_);
  for (auto& [k, v] : extra) ctx.insert_or_assign(k, v);
  std::string parent = in_reply_to.empty() ? r.thread_message_id : in_reply_to;
  Queue(store, r.id, r.requestor, name, templates_.Render(name, ctx), parent,
        store.ThreadMessageIds(r.id));
}

bool ReplyComposer::QueueIntakeReply(casework::Store& store, const casework::IntakeResult& result,
                                     const IncomingRef& in) {
  using casework::Reply;
  if (result.reply == Reply::kNone) return false;
  if (result.reply == Reply::kTooLarge) {
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
    Queue(store, result.request_id, in.from_address, "too_large",
          templates_.Render("too_large", ctx), in.message_id, refs);
    return true;
  }
  if (!result.request_id) return false;
  RequestRecord r = store.GetRequest(*result.request_id);
  switch (result.reply) {
    case Reply::kAcknowledgement: {
      auto probes = store.Probes(r.id);
      mstch::array list;
      for (const auto& p : probes)
        list.push_back(
            mstch::map{{"filename", p.filename.empty() ? p.sha256.substr(0, 12) : p.filename}});
      QueueForRequest(store, r, "acknowledgement",
                      {{"probes", list},
                       {"probe_count", std::to_string(probes.size())},
                       {"has_unused_attachments", !in.unused_attachments.empty()},
                       {"unused_attachments", Strings(in.unused_attachments)}},
                      in.message_id);
      break;
    }
    case Reply::kNeedsInfo:
      QueueForRequest(store, r, "needs_info",
                      {{"missing", Strings(result.missing)},
                       {"has_unused_attachments", !in.unused_attachments.empty()},
                       {"unused_attachments", Strings(in.unused_attachments)}},
                      in.message_id);
      break;
    case Reply::kOutcomeRecorded:
      QueueForRequest(store, r, "outcome_recorded", {{"outcome", in.outcome}}, in.message_id);
      break;
    case Reply::kOutcomeUnclear:
      QueueForRequest(store, r, "outcome_unclear", {{"outcome", in.outcome}}, in.message_id);
      break;
    case Reply::kOutcomeNeedsThread:
      QueueForRequest(store, r, "outcome_needs_thread", {{"outcome", in.outcome}}, in.message_id);
      break;
    case Reply::kNone:
    case Reply::kTooLarge:
      return false;
  }
  return true;
}

void ReplyComposer::QueueDenied(casework::Store& store, const RequestRecord& r,
                                const casework::DecisionRecord& d) {
  QueueForRequest(store, r, "denied", {{"analyst", d.analyst}, {"reason", d.reason}}, "");
}

templates::RenderedText ReplyComposer::RenderResults(const RequestRecord& r,
                                                     const casework::DecisionRecord& approval,
                                                     const casework::SearchRecord& s,
                                                     const std::vector<FaceResult>& faces,
                                                     const std::vector<ProbeRecord>& probes) const {
  mstch::map ctx = BaseContext(r, identity_);
  ctx.emplace("analyst", approval.analyst);
  ctx.emplace("approved_at", approval.decided_at);
  ctx.emplace("searched_at", s.searched_at);
  ctx.emplace("gallery_faces", std::to_string(s.gallery_faces));
  ctx.emplace("threshold", Fixed(s.threshold, 2));
  ctx.emplace("model_id", s.model_id);
  ctx.emplace("caveats", Strings(casework::ResultCaveats()));
  int total = 0;
  mstch::array probe_list;
  int index = 0;
  for (const auto& p : probes) {
    mstch::array face_list;
    for (const auto& f : faces) {
      if (f.probe_id != p.id) continue;
      mstch::array cands;
      for (const auto& c : f.candidates) {
        cands.push_back(
            mstch::map{{"rank", std::to_string(c.rank)},
                       {"subject_id", c.subject_id},
                       {"distance", Fixed(c.distance, 3)},
                       // the file name only: server paths stay on the server
                       {"image_ref", std::filesystem::path(c.image_ref).filename().string()}});
        ++total;
      }
      face_list.push_back(mstch::map{{"face_index", std::to_string(f.face_index)},
                                     {"x", std::to_string(f.x)},
                                     {"y", std::to_string(f.y)},
                                     {"width", std::to_string(f.width)},
                                     {"height", std::to_string(f.height)},
                                     {"candidates", cands}});
    }
    bool no_faces = face_list.empty();
    probe_list.push_back(
        mstch::map{{"index", std::to_string(++index)},
                   {"filename", p.filename.empty() ? p.sha256.substr(0, 12) : p.filename},
                   {"no_faces", no_faces},
                   {"faces", face_list}});
  }
  ctx.emplace("probes", probe_list);
  ctx.emplace("has_candidates", total > 0);
  ctx.emplace("candidate_count", std::to_string(total));
  templates::RenderedText text = templates_.Render("results", ctx);

  // The safeguards are the product: never let a results reply out without its caveats or with
  // fewer candidates than the search found (policy 4.3.4, 4.5.3.2).
  for (const auto& caveat : casework::ResultCaveats())
    if (text.body.find(caveat) == std::string::npos)
      throw templates::TemplateError("results template dropped a policy caveat: \"" +
                                     caveat.substr(0, 60) + "...\"");
  for (const auto& f : faces)
    for (const auto& c : f.candidates)
      if (text.body.find(c.subject_id) == std::string::npos)
        throw templates::TemplateError("results template dropped candidate " + c.subject_id);
  if (total != s.candidate_count)
    throw templates::TemplateError("results reply lists " + std::to_string(total) +
                                   " candidates, the search found " +
                                   std::to_string(s.candidate_count));
  return text;
}

void ReplyComposer::QueueResults(casework::Store& store, const RequestRecord& r,
                                 const casework::DecisionRecord& approval,
                                 const casework::SearchRecord& s) {
  auto text = RenderResults(r, approval, s, store.SearchFaces(s.id), store.Probes(r.id));
  Queue(store, r.id, r.requestor, "results", text, r.thread_message_id,
        store.ThreadMessageIds(r.id));
}

void ReplyComposer::SelfCheck() const {
  RequestRecord r;
  r.id = "RTCC-2000-000000";
  r.requestor = "self-check@invalid";
  casework::DecisionRecord d{
      1, r.id, "approved", "self-check", "self-check", "2000-01-01T00:00:00Z"};
  casework::SearchRecord s;
  s.id = 1;
  s.candidate_count = 2;
  ProbeRecord p{1, r.id, "probe.jpg", "image/jpeg", std::string(64, '0'), 1};
  FaceResult f;
  f.probe_id = 1;
  f.face_index = 1;
  f.candidates = {{1, "SELF-CHECK-SUBJECT-A", "a.jpg", 0.3},
                  {2, "SELF-CHECK-SUBJECT-B", "b.jpg", 0.5}};
  RenderResults(r, d, s, {f}, {p});
}

}  // namespace rtcc::daemon
