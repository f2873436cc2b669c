// The policy checks of the monthly audit (policy 4.5.5), run on the rows themselves: the triggers
// and the workflow should have refused all of these, and the audit is there to show they did.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/sqlite_db.h"
#include "casework/audit_report.h"

namespace rtcc::casework {

using base::Savepoint;
using base::SqliteDb;
using base::SqliteError;
using base::Statement;
using base::Transaction;

// A calendar month as the half-open range [start, end) of UtcNow() timestamps.
struct AuditPeriod {
  std::string start;
  std::string end;
};

// Every violation of the month, oldest first:
//  - 4.5     a search not authorized by an approval of the same request made before it;
//  - 4.5     an approval by the requestor themselves (analyst = requestor address, directly or
//            through `analyst_emails`, roster name -> address);
//  - 4.5.1   an approval of a request without a recognised authorized purpose;
//  - 4.5.2   an approval of a flagged request without an override reason;
//  - 4.5.3.2 a results reply listing fewer candidates than its search found (or not saying how
//            many it listed, or sent with no search before it);
//  - 4.5.3.3 a search of a request without an incident type.
std::vector<AuditViolation> FindViolations(
    SqliteDb& db, const AuditPeriod& period,
    const std::map<std::string, std::string>& analyst_emails);

}  // namespace rtcc::casework
