#include "casework/outcomes.h"

#include <algorithm>
#include <optional>

#include "casework/workflow.h"

namespace rtcc::casework {

std::vector<OverdueOutcome> OverdueOutcomes(Store& store, int days) {
  std::vector<OverdueOutcome> out;
  const std::time_t now = Now();
  for (auto& r : store.ListRequests(RequestState::kAwaitingOutcome)) {
    // updated_at is when the request entered AWAITING_OUTCOME: nothing else changes it there.
    std::int64_t waited = (now - ParseUtc(r.updated_at)) / 86400;
    if (waited < days) continue;
    std::string since = r.updated_at;
    out.push_back({std::move(r), since, waited});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.awaiting_since < b.awaiting_since; });
  return out;
}

std::vector<UnreadOutcomeReply> UnreadOutcomeReplies(Store& store) {
  std::vector<UnreadOutcomeReply> out;
  for (RequestState state : {RequestState::kResultsSent, RequestState::kAwaitingOutcome}) {
    for (auto& r : store.ListRequests(state)) {
      std::optional<EventRecord> latest;
      for (auto& e : store.Events(r.id))
        if (e.action == kUnreadOutcomeReply) latest = std::move(e);
      if (latest) out.push_back({std::move(r), latest->at, latest->detail});
    }
  }
  return out;
}

std::vector<RequestRecord> RemindersDue(Store& store, int days, int max_reminders) {
  std::vector<RequestRecord> due;
  const std::time_t now = Now();
  for (auto& o : OverdueOutcomes(store, days)) {
    if (o.request.reminders_sent >= max_reminders) continue;
    if (o.request.last_reminder_at &&
        now - ParseUtc(*o.request.last_reminder_at) < std::int64_t{days} * 86400)
      continue;
    due.push_back(std::move(o.request));
  }
  return due;
}

}  // namespace rtcc::casework
