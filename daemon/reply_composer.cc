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
      "acknowledgement", "needs_info", "denied", "results", "outcome_recorded", "outcome_unclear"};
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

ReplyComposer::ReplyComposer(const templates::TemplateSet& templates, MailIdentity identity)
    : templates_(templates), identity_(std::move(identity)) {}

void ReplyComposer::Queue(casework::Store& store, const RequestRecord& r, const std::string& kind,
                          const templates::RenderedText& text, const std::string& in_reply_to) {
  mail::OutgoingMessage m;
  m.from = identity_.from;
  m.from_name = identity_.from_name;
  m.to = r.requestor;
  m.subject = text.subject;
  m.message_id = mail::NewMessageId(r.id, Domain(identity_.from));
  m.in_reply_to = in_reply_to.empty() ? r.thread_message_id : in_reply_to;
  std::vector<std::string> refs = store.ThreadMessageIds(r.id);
  if (refs.size() > kMaxReferences) {
    std::vector<std::string> cut = {refs.front()};
    cut.insert(cut.end(), refs.end() - (kMaxReferences - 1), refs.end());
    refs = cut;
  }
  m.references = refs;
  m.text_body = text.body;
  // RFC 3834: automatic replies say so, and ask other robots not to answer them.
  m.extra_headers = {{"Auto-Submitted", "auto-replied"},
                     {"X-Auto-Response-Suppress", "All"},
                     {"X-RTCC-Request", r.id}};
  store.QueueMail(r.id, kind, m.message_id, r.requestor, mail::BuildMessage(m));
}

void ReplyComposer::QueueAcknowledgement(casework::Store& store, const RequestRecord& r,
                                         const std::string& in_reply_to) {
  mstch::map ctx = BaseContext(r, identity_);
  auto probes = store.Probes(r.id);
  mstch::array list;
  for (const auto& p : probes)
    list.push_back(
        mstch::map{{"filename", p.filename.empty() ? p.sha256.substr(0, 12) : p.filename}});
  ctx.emplace("probes", list);
  ctx.emplace("probe_count", std::to_string(probes.size()));
  Queue(store, r, "acknowledgement", templates_.Render("acknowledgement", ctx), in_reply_to);
}

void ReplyComposer::QueueNeedsInfo(casework::Store& store, const RequestRecord& r,
                                   const std::vector<std::string>& missing,
                                   const std::string& in_reply_to) {
  mstch::map ctx = BaseContext(r, identity_);
  ctx.emplace("missing", Strings(missing));
  Queue(store, r, "needs_info", templates_.Render("needs_info", ctx), in_reply_to);
}

void ReplyComposer::QueueDenied(casework::Store& store, const RequestRecord& r,
                                const casework::DecisionRecord& d) {
  mstch::map ctx = BaseContext(r, identity_);
  ctx.emplace("analyst", d.analyst);
  ctx.emplace("reason", d.reason);
  Queue(store, r, "denied", templates_.Render("denied", ctx), "");
}

void ReplyComposer::QueueOutcomeReply(casework::Store& store, const RequestRecord& r,
                                      bool understood, const std::string& outcome,
                                      const std::string& in_reply_to) {
  mstch::map ctx = BaseContext(r, identity_);
  ctx.emplace("outcome", outcome);
  std::string name = understood ? "outcome_recorded" : "outcome_unclear";
  Queue(store, r, name, templates_.Render(name, ctx), in_reply_to);
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
  Queue(store, r, "results", text, "");
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
