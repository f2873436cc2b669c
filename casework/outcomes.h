// Policy 4.5.3.3: outcomes that have not arrived. The requestor is reminded after a set number of
// days (at most a set number of times), and the supervisor sees every overdue outcome.
#pragma once

#include <cstdint>
#include <vector>

#include "casework/store.h"

namespace rtcc::casework {

struct OverdueOutcome {
  RequestRecord request;
  std::string awaiting_since;  // when the results reply went out
  std::int64_t days_waiting = 0;
};

// AWAITING_OUTCOME requests whose results went out at least `days` days ago (by the casework
// clock, store.h Now()), oldest first.
std::vector<OverdueOutcome> OverdueOutcomes(Store& store, int days);

// A reply about a request awaiting its outcome (RESULTS_SENT or AWAITING_OUTCOME) whose words could
// not be read as an outcome (workflow.h kUnreadOutcomeReply), newest reply per request: an analyst
// reads it and records the outcome with `rtccctl outcome`.
struct UnreadOutcomeReply {
  RequestRecord request;
  std::string received_at;
  std::string text;  // the reply's words, as recorded (at most 500 bytes)
};
std::vector<UnreadOutcomeReply> UnreadOutcomeReplies(Store& store);

// Of those, the ones to remind now: fewer than `max_reminders` reminders so far, and `days` days
// since the results or since the last reminder.
std::vector<RequestRecord> RemindersDue(Store& store, int days, int max_reminders);

}  // namespace rtcc::casework
