// Policy 4.5: a denied request is answered; the requestor learns who declined it and why.
#pragma once

#include "casework/store.h"
#include "daemon/reply_composer.h"

namespace rtcc::daemon {

// Queues the "declined" reply (one transaction each) for every DENIED request that has not had
// one yet; returns how many were queued. Running it again queues nothing new.
int QueueDenialNotices(casework::Store& store, ReplyComposer& replies);

}  // namespace rtcc::daemon
