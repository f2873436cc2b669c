// Runs the face search for every approved request (state SEARCHING), records the search log row
// with every face and candidate (policy 4.5.3.3), and queues the results reply — one transaction.
// A search is only ever run with a recorded approval in hand (casework::AuthorizeSearch).
#pragma once

#include <string>

#include "casework/spool.h"
#include "casework/store.h"
#include "daemon/reply_composer.h"
#include "matcher/face_engine.h"
#include "matcher/gallery.h"

namespace rtcc::daemon {

class SearchJob {
 public:
  // Keeps references to `store`, `spool`, `engine`, `gallery` and `replies`, which must outlive it.
  SearchJob(casework::Store& store, casework::Spool& spool, matcher::FaceEngine& engine,
            matcher::Gallery& gallery, ReplyComposer& replies, double threshold);

  // Searches every request waiting in SEARCHING; returns how many were searched. A request whose
  // search fails stays in SEARCHING (and is logged) so the next tick retries it.
  int RunPending();

  // Searches one request: every face of every probe against the gallery (SearchWithin), and
  // records with the search the model, engine settings, gallery snapshot, subjects, threshold
  // and kernel (policy 4.5.3.3, 4.5.3.4), what became of each probe, and each face's quality and
  // crop (4.3.4.1). Throws casework::WorkflowError when it has no approval in force, and
  // std::runtime_error when the gallery changed while the search ran (nothing is recorded).
  void Run(const std::string& request_id);

 private:
  casework::Store& store_;
  casework::Spool& spool_;
  matcher::FaceEngine& engine_;
  matcher::Gallery& gallery_;
  ReplyComposer& replies_;
  double threshold_;
};

// One searched face as the search log records it: box, detector, quality (policy 4.3.4.1: with
// the probe file's edit signs from `image`), crop, and the candidates `found`.
casework::FaceResult ToFaceResult(std::int64_t probe_id, int face_index,
                                  const matcher::DetectedFace& face,
                                  const matcher::ImageFacts& image,
                                  const matcher::SearchResult& found);

}  // namespace rtcc::daemon
