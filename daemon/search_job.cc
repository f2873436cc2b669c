#include "daemon/search_job.h"

#include <spdlog/spdlog.h>

#include "casework/workflow.h"

namespace rtcc::daemon {

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
  search.threshold = threshold_;
  search.gallery_faces = static_cast<std::int64_t>(gallery_.face_count());
  for (const auto& probe : auth.probes) {
    std::string bytes = spool_.Get("probes", probe.sha256);
    std::vector<matcher::DetectedFace> faces;
    try {
      faces = engine_.Analyze({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    } catch (const matcher::ImageError& e) {
      store_.AddEvent(request_id, "rtccd", "probe unreadable", probe.filename + ": " + e.what());
      spdlog::warn("{}: probe {} unreadable: {}", request_id, probe.filename, e.what());
    }
    ++search.probes_searched;
    int index = 0;
    for (const auto& face : faces) {
      casework::FaceResult result;
      result.probe_id = probe.id;
      result.face_index = ++index;
      result.x = face.box.x;
      result.y = face.box.y;
      result.width = face.box.width;
      result.height = face.box.height;
      result.detector_score = face.box.detector_score;
      for (const auto& c : gallery_.Search(face.embedding, static_cast<float>(threshold_)))
        result.candidates.push_back({c.rank, c.subject_id, c.image_ref, c.distance});
      search.faces.push_back(std::move(result));
    }
  }

  auto txn = store_.Begin();
  // Re-read inside the transaction: the approval must still be in force when the results land.
  auth = casework::AuthorizeSearch(store_, request_id);
  std::int64_t search_id = casework::RecordSearchResults(store_, auth, search);
  casework::SearchRecord recorded = store_.Searches(request_id).back();
  replies_.QueueResults(store_, store_.GetRequest(request_id), auth.approval, recorded);
  txn.Commit();
  spdlog::info("{}: search #{} done: {} probe(s), {} face(s), {} candidate(s) within {:.2f}",
               request_id, search_id, recorded.probes_searched, recorded.faces_searched,
               recorded.candidate_count, threshold_);
}

int QueueDenialNotices(casework::Store& store, ReplyComposer& replies) {
  int queued = 0;
  for (const auto& r : store.ListRequests(casework::RequestState::kDenied)) {
    bool told = false;
    for (const auto& m : store.Mail(r.id)) told = told || m.kind == "denied";
    if (told) continue;
    auto txn = store.Begin();
    replies.QueueDenied(store, r, *store.LatestDecision(r.id));
    txn.Commit();
    ++queued;
  }
  return queued;
}

}  // namespace rtcc::daemon
