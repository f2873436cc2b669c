// Retention: probe images and raw messages are removed from the spool a set number of days after
// their request is closed, denied or withdrawn; the request, its decisions and the search log rows
// are kept (policy 4.5.3.3), and each purge is a row of the audit trail.
#pragma once

#include <string>
#include <vector>

#include "casework/spool.h"
#include "casework/store.h"

namespace rtcc::casework {

struct PurgeReport {
  std::vector<std::string> requests;  // purged (or, in a dry run, due)
  int files_removed = 0;              // spool files deleted (a file another request still
                                      // needs is kept)
};

// Purges every request finished at least `days_after_close` days ago (by store.h Now()) and not
// purged yet. `days_after_close` 0 purges nothing. Files are deleted before the request is marked
// purged (in one transaction per request, with its trail row), so a crash leaves nothing that
// should be gone. With `dry_run`, only lists what is due.
PurgeReport PurgeExpired(Store& store, const Spool& spool, int days_after_close,
                         const std::string& actor, bool dry_run);

}  // namespace rtcc::casework
