#include "daemon/denial_notice_job.h"

namespace rtcc::daemon {

int QueueDenialNotices(casework::Store& store, ReplyComposer& replies) {
  int queued = 0;
  for (const auto& r : store.ListRequests(casework::RequestState::kDenied)) {
    if (store.outbox().Count(r.id, {casework::ReplyKind::kDenied}) > 0) continue;
    auto txn = store.Begin();
    replies.QueueDenied(store, r, *store.LatestDecision(r.id));
    txn.Commit();
    ++queued;
  }
  return queued;
}

}  // namespace rtcc::daemon
