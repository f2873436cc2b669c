#include "daemon/search_job.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "casework/workflow.h"

namespace rtcc::daemon {
namespace {

// The matcher's grade in casework's words: the one place the two meet.
casework::QualityGrade ToCasework(matcher::QualityGrade grade) {
  switch (grade) {
    case matcher::QualityGrade::kGood:
      return casework::QualityGrade::kGood;
    case matcher::QualityGrade::kFair:
      return casework::QualityGrade::kFair;
    case matcher::QualityGrade::kPoor:
      break;
  }
  return casework::QualityGrade::kPoor;
}

}  // namespace

SearchJob::SearchJob(casework::Store& store, casework::Spool& spool, matcher::FaceEngine& engine,
                     matcher::Gallery& gallery, ReplyComposer& replies, double threshold)
    : store_(store),
      spool_(spool),
      engine_(engine),
      gallery_(gallery),
      replies_(replies),
      threshold_(threshold) {}

int SearchJob::RunPending() {
  auto pending = store_.ListRequests(casework::RequestState::kSearching);
  if (pending.empty()) return 0;
  if (gallery_.Refresh())  // enrolments made by rtccctl while rtccd runs
    spdlog::info("gallery re-read: {} face(s) of {} subject(s)", gallery_.face_count(),
                 gallery_.subject_count());
  gallery_.CheckModel(engine_.model_id());
  int done = 0;
  for (const auto& r : pending) {
    try {
      Run(r.id);
      ++done;
    } catch (const std::exception& e) {
      spdlog::error("search for {} failed, will retry: {}", r.id, e.what());
    }
  }
  return done;
}

void SearchJob::Run(const std::string& request_id) {
  // Policy 4.5: the approval is read first; without one nothing below runs.
  casework::SearchAuthorization auth = casework::AuthorizeSearch(store_, request_id);

  casework::NewSearch search;
  search.model_id = engine_.model_id();
  search.engine_settings = engine_.settings();
  search.threshold = threshold_;
  // The snapshot as it stands now; every face's search below must name this same one.
  search.gallery_snapshot = gallery_.snapshot_hash();
  search.gallery_faces = static_cast<std::int64_t>(gallery_.face_count());
  search.gallery_subjects = static_cast<std::int64_t>(gallery_.subject_count());
  for (const auto& probe : auth.probes) {
    std::string bytes = spool_.Get("probes", probe.sha256);
    casework::ProbeSearchRecord outcome;
    outcome.probe_id = probe.id;
    matcher::ProbeAnalysis analysis;
    bool unreadable = false;
    try {
      analysis =
          engine_.AnalyzeProbe({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    } catch (const matcher::ImageError& e) {
      store_.AddEvent(request_id, "rtccd", "probe unreadable", probe.filename + ": " + e.what());
      spdlog::warn("{}: probe {} unreadable: {}", request_id, probe.filename, e.what());
      unreadable = true;
      outcome.detail = e.what();
    }
    ++search.probes_searched;
    outcome.image_format = analysis.image.format;
    outcome.faces_found = static_cast<int>(analysis.faces.size());
    outcome.status = unreadable               ? casework::ProbeStatus::kUnreadable
                     : analysis.faces.empty() ? casework::ProbeStatus::kNoFace
                                              : casework::ProbeStatus::kSearched;
    search.probes.push_back(outcome);
    int index = 0;
    for (const auto& face : analysis.faces) {
      matcher::SearchResult found =
          gallery_.SearchWithin(face.embedding, static_cast<float>(threshold_));
      // (found.model_id is the gallery's: "" while it is empty; RunPending's CheckModel has
      // already refused a gallery of another model.)
      if (found.snapshot_hash != search.gallery_snapshot)
        throw std::runtime_error("the gallery changed during the search (snapshot " +
                                 found.snapshot_hash.substr(0, 12) + ", expected " +
                                 search.gallery_snapshot.substr(0, 12) + "): searching again");
      search.search_kernel = found.kernel;
      search.faces.push_back(ToFaceResult(probe.id, ++index, face, analysis.image, found));
    }
  }

  auto txn = store_.Begin();
  // Re-read inside the transaction: the approval must still be in force when the results land.
  auth = casework::AuthorizeSearch(store_, request_id);
  std::int64_t search_id = casework::RecordSearchResults(store_, auth, search);
  casework::SearchRecord recorded = store_.Searches(request_id).back();
  replies_.QueueResults(store_, store_.GetRequest(request_id), auth.approval, recorded);
  txn.Commit();
  spdlog::info(
      "{}: search #{} done: {} probe(s), {} face(s), {} candidate(s) within {:.2f} (gallery "
      "snapshot {}, kernel {})",
      request_id, search_id, recorded.probes_searched, recorded.faces_searched,
      recorded.candidate_count, threshold_, recorded.gallery_snapshot.substr(0, 12),
      recorded.search_kernel.empty() ? "none" : recorded.search_kernel);
}

casework::FaceResult ToFaceResult(std::int64_t probe_id, int face_index,
                                  const matcher::DetectedFace& face,
                                  const matcher::ImageFacts& image,
                                  const matcher::SearchResult& found) {
  casework::FaceResult r;
  r.probe_id = probe_id;
  r.face_index = face_index;
  r.x = face.box.x;
  r.y = face.box.y;
  r.width = face.box.width;
  r.height = face.box.height;
  r.detector_score = face.box.detector_score;
  r.detector = matcher::DetectorName(face.detector);
  const matcher::FaceQuality& q = face.quality;
  r.quality.grade = ToCasework(q.grade);
  r.quality.reasons = q.reasons;
  r.quality.inter_eye_px = q.inter_eye_px;
  r.quality.sharpness = q.sharpness;
  r.quality.brightness = q.brightness;
  r.quality.contrast = q.contrast;
  r.quality.yaw_deg = q.yaw_deg;
  r.quality.roll_deg = q.roll_deg;
  r.quality.image_edited = image.edited;
  r.quality.image_signs = image.edit_signs;
  r.crop_jpeg = face.crop_jpeg;
  for (const auto& c : found.candidates)
    r.candidates.push_back({c.rank, c.subject_id, c.image_ref, c.distance});
  return r;
}

}  // namespace rtcc::daemon
