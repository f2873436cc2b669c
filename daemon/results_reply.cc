#include "daemon/results_reply.h"

#include <filesystem>

#include "base/strings.h"
#include "casework/policy.h"
#include "templates/template_set.h"

namespace rtcc::daemon {

using base::Fixed;
using casework::FaceResult;
using casework::ProbeRecord;

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
                    {"reasons", templates::StringList(f.quality.reasons)},
                    {"measures", graded ? MeasuresLine(f) : std::string()},
                    {"image_signs", templates::StringList(f.quality.image_signs)},
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

void AddResultsContext(const ResultsFacts& facts, mstch::map& ctx) {
  const casework::SearchRecord& s = facts.search;
  ctx.emplace("analyst", facts.approval.analyst);
  ctx.emplace("approved_at", facts.approval.decided_at);
  ctx.emplace("searched_at", s.searched_at);
  ctx.emplace("gallery_faces", std::to_string(s.gallery_faces));
  ctx.emplace("gallery_subjects",
              s.gallery_subjects ? std::to_string(*s.gallery_subjects) : std::string("?"));
  ctx.emplace("gallery_snapshot",
              s.gallery_snapshot.empty() ? std::string("(not recorded)") : s.gallery_snapshot);
  ctx.emplace("threshold", Fixed(s.threshold, 2));
  ctx.emplace("model_id", s.model_id);
  ctx.emplace("engine_settings", s.engine_settings);
  ctx.emplace("has_engine_settings", !s.engine_settings.empty());
  ctx.emplace("caveats", templates::StringList(casework::ResultCaveats()));
  int total = 0;
  mstch::array probe_list;
  int index = 0;
  for (const auto& p : facts.probes)
    probe_list.push_back(ProbeContext(p, ++index, facts.faces, facts.probe_status, total));
  ctx.emplace("probes", probe_list);
  ctx.emplace("has_candidates", total > 0);
  ctx.emplace("has_crops", !CropAttachments(facts.faces, facts.probes).empty());
  ctx.emplace("candidate_count", std::to_string(total));
}

// The body must carry what the investigator needs to weigh each face (policy 4.3.4.1), every
// caveat and candidate (4.3.4, 4.5.3.2) and the threshold: a template that drops any is refused.
void CheckResultsBody(const std::string& body, const ResultsFacts& facts) {
  auto require = [&](const std::string& text, const std::string& what) {
    if (body.find(text) == std::string::npos)
      throw templates::TemplateError("results template dropped " + what + ": \"" +
                                     text.substr(0, 60) + "\"");
  };
  for (const auto& caveat : casework::ResultCaveats()) require(caveat, "a policy caveat");
  require(Fixed(facts.search.threshold, 2), "the threshold");
  int listed = 0;  // as AddResultsContext lists them: the faces of the request's probes
  for (const auto& p : facts.probes) {
    for (const auto& f : facts.faces) {
      if (f.probe_id != p.id) continue;
      listed += static_cast<int>(f.candidates.size());
      for (const auto& c : f.candidates) require(c.subject_id, "a candidate");
      for (const auto& reason : f.quality.reasons) require(reason, "a probe quality reason");
      if (f.quality.grade == casework::QualityGrade::kPoor)
        require(casework::PoorQualityWarning(), "the poor-quality warning");
    }
  }
  for (const auto& crop : CropAttachments(facts.faces, facts.probes))
    require(crop.filename, "the name of an attached face crop");
  for (const auto& p : facts.probes) require(ProbeName(p), "a probe");  // none silently dropped
  for (const auto& o : facts.probe_status)
    if (o.status == casework::ProbeStatus::kUnreadable && !o.detail.empty())
      require(o.detail, "why a probe could not be read");
  if (listed != facts.search.candidate_count)
    throw templates::TemplateError("results reply lists " + std::to_string(listed) +
                                   " candidates, the search found " +
                                   std::to_string(facts.search.candidate_count));
}

ResultsFacts SelfCheckResults(const std::string& request_id) {
  ResultsFacts facts;
  facts.approval = {1,
                    request_id,
                    casework::Decision::kApproved,
                    "self-check",
                    "self-check",
                    "2000-01-01T00:00:00Z",
                    "",
                    casework::DecisionKind::kInitial};
  casework::SearchRecord& s = facts.search;
  s.id = 1;
  s.candidate_count = 2;
  s.threshold = 0.6;
  s.gallery_snapshot = std::string(64, 'a');
  facts.probes = {{1, request_id, "probe.jpg", "image/jpeg", std::string(64, '0'), 1},
                  {2, request_id, "bad.jpg", "image/jpeg", std::string(64, '1'), 1}};
  FaceResult f;
  f.probe_id = 1;
  f.face_index = 1;
  f.quality.grade = casework::QualityGrade::kPoor;
  f.quality.reasons = {"SELF-CHECK: the eyes are too close together."};
  f.crop_jpeg = {0xFF, 0xD8, 0xFF};
  f.candidates = {{1, "SELF-CHECK-SUBJECT-A", "a.jpg", 0.3},
                  {2, "SELF-CHECK-SUBJECT-B", "b.jpg", 0.5}};
  facts.faces = {f};
  facts.probe_status = {{1, casework::ProbeStatus::kSearched, 1, "", "JPEG"},
                        {2, casework::ProbeStatus::kUnreadable, 0, "SELF-CHECK: unreadable", ""}};
  return facts;
}

}  // namespace rtcc::daemon
