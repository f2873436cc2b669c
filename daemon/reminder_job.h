// Policy 4.5.3.3: the requestor is reminded when no outcome has arrived.
#pragma once

#include "casework/store.h"
#include "daemon/reply_composer.h"

namespace rtcc::daemon {

// Queues a reminder (one transaction each, with its trail row) for every request that
// casework::RemindersDue names; returns how many were queued.
int QueueOutcomeReminders(casework::Store& store, ReplyComposer& replies, int days,
                          int max_reminders);

}  // namespace rtcc::daemon
