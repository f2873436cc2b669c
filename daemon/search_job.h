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
  SearchJob(casework::Store& store, casework::Spool& spool, matcher::FaceEngine& engine,
            matcher::Gallery& gallery, ReplyComposer& replies, double threshold);

  // Searches every request waiting in SEARCHING; returns how many were searched. A request whose
  // search fails stays in SEARCHING (and is logged) so the next tick retries it.
  int RunPending();

  // Searches one request. Throws casework::WorkflowError when it has no approval in force.
  void Run(const std::string& request_id);

 private:
  casework::Store& store_;
  casework::Spool& spool_;
  matcher::FaceEngine& engine_;
  matcher::Gallery& gallery_;
  ReplyComposer& replies_;
  double threshold_;
};

// Queues the "declined" reply for every DENIED request that has not had one yet.
int QueueDenialNotices(casework::Store& store, ReplyComposer& replies);

}  // namespace rtcc::daemon
