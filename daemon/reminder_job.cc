#include "daemon/reminder_job.h"

#include <spdlog/spdlog.h>

#include "casework/outcomes.h"

namespace rtcc::daemon {

int QueueOutcomeReminders(casework::Store& store, ReplyComposer& replies, int days,
                          int max_reminders) {
  int queued = 0;
  for (const auto& r : casework::RemindersDue(store, days, max_reminders)) {
    auto txn = store.Begin();
    replies.QueueReminder(store, r, r.reminders_sent + 1, max_reminders);
    store.MarkReminderSent(r.id);
    store.AddEvent(r.id, "rtccd", "outcome reminder queued",
                   "reminder " + std::to_string(r.reminders_sent + 1) + " of " +
                       std::to_string(max_reminders) + ", results sent " + r.updated_at);
    txn.Commit();
    spdlog::info("{}: outcome reminder {} of {} queued to {}", r.id, r.reminders_sent + 1,
                 max_reminders, r.requestor);
    ++queued;
  }
  return queued;
}

}  // namespace rtcc::daemon
