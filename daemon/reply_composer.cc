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

mstch::array Strings(const std::vector<std::string>& items) {
  mstch::array a;
  for (const auto& s : items) a.push_back(s);
  return a;
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
               {"unused_attachments", Strings(in.unused_attachments)}};
      break;
    }
    case ReplyKind::kNeedsInfo:
      extra = {{"missing", Strings(result.missing)},
               {"has_unused_attachments", !in.unused_attachments.empty()},
               {"unused_attachments", Strings(in.unused_attachments)}};
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

std::string CropName(int probe_index, int face_index) {
  return "probe" + std::to_string(probe_index) + "-face" + std::to_string(face_index) + ".jpg";
}

namespace {

std::string ProbeName(const ProbeRecord& p) {
  return p.filename.empty() ? p.sha256.substr(0, 12) : p.filename;
}

// One line of the face's measures, in words (policy 4.3.4.1).
std::string MeasuresLine(const FaceResult& f) {
  const auto& q = f.quality;
  return "eyes " + Fixed(q.inter_eye_px, 0) + " px apart, sharpness " + Fixed(q.sharpness, 4) +
         ", head turned " + Fixed(q.yaw_deg, 0) + " deg and tilted " + Fixed(q.roll_deg, 0) +
         " deg, brightness " + Fixed(q.brightness, 0) + "/255, contrast " + Fixed(q.contrast, 0) +
         ", found by the " + (f.detector.empty() ? std::string("face") : f.detector) +
         " detector (score " + Fixed(f.detector_score, 2) + ")";
}

mstch::map FaceContext(const FaceResult& f, int probe_index, int& total) {
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
  const bool graded = f.quality.grade.has_value();
  const bool poor = f.quality.grade == casework::QualityGrade::kPoor;
  return mstch::map{{"face_index", std::to_string(f.face_index)},
                    {"x", std::to_string(f.x)},
                    {"y", std::to_string(f.y)},
                    {"width", std::to_string(f.width)},
                    {"height", std::to_string(f.height)},
                    {"graded", graded},
                    {"grade", graded ? std::string(ToString(*f.quality.grade)) : std::string()},
                    {"reasons", Strings(f.quality.reasons)},
                    {"measures", graded ? MeasuresLine(f) : std::string()},
                    {"image_signs", Strings(f.quality.image_signs)},
                    {"poor", poor},
                    {"poor_warning", casework::PoorQualityWarning()},
                    {"has_crop", !f.crop_jpeg.empty()},
                    {"crop", CropName(probe_index, f.face_index)},
                    {"has_face_candidates", !f.candidates.empty()},
                    {"candidates", cands}};
}

mstch::map ProbeContext(const ProbeRecord& p, int probe_index, const std::vector<FaceResult>& faces,
                        const std::vector<casework::ProbeSearchRecord>& outcomes, int& total) {
  mstch::array face_list;
  for (const auto& f : faces)
    if (f.probe_id == p.id) face_list.push_back(FaceContext(f, probe_index, total));
  std::string unreadable;
  for (const auto& o : outcomes)
    if (o.probe_id == p.id && o.status == casework::ProbeStatus::kUnreadable)
      unreadable =
          o.detail.empty() ? std::string("the file is not an image rtcc can read") : o.detail;
  return mstch::map{{"index", std::to_string(probe_index)},
                    {"filename", ProbeName(p)},
                    {"unreadable", !unreadable.empty()},
                    {"unreadable_detail", unreadable},
                    {"no_faces", face_list.empty() && unreadable.empty()},
                    {"faces", face_list}};
}

// The body must carry what the investigator needs to weigh each face (policy 4.3.4.1), every
// caveat and candidate (4.3.4, 4.5.3.2) and the threshold: a template that drops any is refused.
void CheckResults(const std::string& body, const casework::SearchRecord& s,
                  const std::vector<FaceResult>& faces, int total, const std::string& threshold,
                  const std::vector<std::string>& crop_names,
                  const std::vector<ProbeRecord>& probes,
                  const std::vector<casework::ProbeSearchRecord>& outcomes) {
  auto require = [&](const std::string& text, const std::string& what) {
    if (body.find(text) == std::string::npos)
      throw templates::TemplateError("results template dropped " + what + ": \"" +
                                     text.substr(0, 60) + "\"");
  };
  for (const auto& caveat : casework::ResultCaveats()) require(caveat, "a policy caveat");
  require(threshold, "the threshold");
  for (const auto& f : faces) {
    for (const auto& c : f.candidates) require(c.subject_id, "a candidate");
    for (const auto& reason : f.quality.reasons) require(reason, "a probe quality reason");
    if (f.quality.grade == casework::QualityGrade::kPoor)
      require(casework::PoorQualityWarning(), "the poor-quality warning");
  }
  for (const auto& name : crop_names) require(name, "the name of an attached face crop");
  for (const auto& p : probes) require(ProbeName(p), "a probe");  // none silently dropped
  for (const auto& o : outcomes)
    if (o.status == casework::ProbeStatus::kUnreadable && !o.detail.empty())
      require(o.detail, "why a probe could not be read");
  if (total != s.candidate_count)
    throw templates::TemplateError("results reply lists " + std::to_string(total) +
                                   " candidates, the search found " +
                                   std::to_string(s.candidate_count));
}

}  // namespace

std::vector<mail::OutgoingAttachment> CropAttachments(const std::vector<FaceResult>& faces,
                                                      const std::vector<ProbeRecord>& probes) {
  std::vector<mail::OutgoingAttachment> out;
  int index = 0;
  for (const auto& p : probes) {
    ++index;
    for (const auto& f : faces)
      if (f.probe_id == p.id && !f.crop_jpeg.empty())
        out.push_back({CropName(index, f.face_index), "image/jpeg", f.crop_jpeg});
  }
  return out;
}

templates::RenderedText ReplyComposer::RenderResults(
    const RequestRecord& r, const casework::DecisionRecord& approval,
    const casework::SearchRecord& s, const std::vector<FaceResult>& faces,
    const std::vector<ProbeRecord>& probes,
    const std::vector<casework::ProbeSearchRecord>& outcomes) const {
  mstch::map ctx = BaseContext(r, identity_);
  const std::string threshold = Fixed(s.threshold, 2);
  ctx.emplace("analyst", approval.analyst);
  ctx.emplace("approved_at", approval.decided_at);
  ctx.emplace("searched_at", s.searched_at);
  ctx.emplace("gallery_faces", std::to_string(s.gallery_faces));
  ctx.emplace("gallery_subjects",
              s.gallery_subjects ? std::to_string(*s.gallery_subjects) : std::string("?"));
  ctx.emplace("gallery_snapshot",
              s.gallery_snapshot.empty() ? std::string("(not recorded)") : s.gallery_snapshot);
  ctx.emplace("threshold", threshold);
  ctx.emplace("model_id", s.model_id);
  ctx.emplace("engine_settings", s.engine_settings);
  ctx.emplace("has_engine_settings", !s.engine_settings.empty());
  ctx.emplace("caveats", Strings(casework::ResultCaveats()));
  int total = 0;
  mstch::array probe_list;
  int index = 0;
  for (const auto& p : probes)
    probe_list.push_back(ProbeContext(p, ++index, faces, outcomes, total));
  std::vector<std::string> crop_names;
  for (const auto& a : CropAttachments(faces, probes)) crop_names.push_back(a.filename);
  ctx.emplace("probes", probe_list);
  ctx.emplace("has_candidates", total > 0);
  ctx.emplace("has_crops", !crop_names.empty());
  ctx.emplace("candidate_count", std::to_string(total));
  templates::RenderedText text = Render(ReplyKind::kResults, ctx);
  // The safeguards are the product: never let a results reply out without them.
  CheckResults(text.body, s, faces, total, threshold, crop_names, probes, outcomes);
  return text;
}

void ReplyComposer::QueueResults(casework::Store& store, const RequestRecord& r,
                                 const casework::DecisionRecord& approval,
                                 const casework::SearchRecord& s) {
  auto faces = store.SearchFaces(s.id);
  auto probes = store.Probes(r.id);
  auto text = RenderResults(r, approval, s, faces, probes, store.SearchProbes(s.id));
  std::int64_t outbox_id =
      Queue(store, r.id, r.requestor, ReplyKind::kResults, text, r.thread_message_id,
            store.messages().ThreadMessageIds(r.id), CropAttachments(faces, probes));
  int listed = 0;
  for (const auto& f : faces) listed += static_cast<int>(f.candidates.size());
  store.outbox().RecordCandidatesListed(outbox_id, listed);  // the audit re-checks it (4.5.3.2)
}

void ReplyComposer::SelfCheck() const {
  RequestRecord r;
  r.id = "RTCC-2000-000000";
  r.requestor = "self-check@invalid";
  casework::DecisionRecord d{1,
                             r.id,
                             casework::Decision::kApproved,
                             "self-check",
                             "self-check",
                             "2000-01-01T00:00:00Z",
                             "",
                             casework::DecisionKind::kInitial};
  casework::SearchRecord s;
  s.id = 1;
  s.candidate_count = 2;
  s.threshold = 0.6;
  s.gallery_snapshot = std::string(64, 'a');
  ProbeRecord p{1, r.id, "probe.jpg", "image/jpeg", std::string(64, '0'), 1};
  ProbeRecord unreadable{2, r.id, "bad.jpg", "image/jpeg", std::string(64, '1'), 1};
  FaceResult f;
  f.probe_id = 1;
  f.face_index = 1;
  f.quality.grade = casework::QualityGrade::kPoor;
  f.quality.reasons = {"SELF-CHECK: the eyes are too close together."};
  f.crop_jpeg = {0xFF, 0xD8, 0xFF};
  f.candidates = {{1, "SELF-CHECK-SUBJECT-A", "a.jpg", 0.3},
                  {2, "SELF-CHECK-SUBJECT-B", "b.jpg", 0.5}};
  RenderResults(r, d, s, {f}, {p, unreadable},
                {{1, casework::ProbeStatus::kSearched, 1, "", "JPEG"},
                 {2, casework::ProbeStatus::kUnreadable, 0, "SELF-CHECK: unreadable", ""}});
}

}  // namespace rtcc::daemon
