// The monthly audit (policy 4.5.5) as plain tables of text: what the CSV, HTML and JSON renderers
// share, so that the three always show the same rows and columns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "casework/audit_report.h"

namespace rtcc::casework {

struct AuditColumn {
  std::string name;      // snake_case: CSV header, JSON key
  std::string label;     // for people (HTML)
  bool numeric = false;  // a number ("" = none: JSON null)
};

struct AuditTable {
  std::string id;     // "searches_per_analyst", ...
  std::string title;  // "Searches per analyst (4.5.3.3)"
  std::vector<AuditColumn> columns;
  std::vector<std::vector<std::string>> rows;  // one cell per column
};

// Every table of the report, in reading order: "summary" (figure, label, value), then
// "violations", "trail" (one row), and the detail tables.
std::vector<AuditTable> AuditTables(const AuditReport& report);

// "2026-11".
std::string AuditMonthText(const AuditReport& report);

}  // namespace rtcc::casework
