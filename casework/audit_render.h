// The monthly audit (policy 4.5.5) written out for a supervisor (HTML), a spreadsheet (CSV) and a
// machine (JSON). Every renderer escapes all text taken from the database (requests arrive by
// e-mail: nothing in them may become markup, a formula or broken JSON); invalid UTF-8 becomes
// U+FFFD.
#pragma once

#include <string>

#include "casework/audit_report.h"

namespace rtcc::casework {

// One JSON object: "month", "period_start", "period_end", "generated_at",
// "outcome_overdue_days", "totals" (numbers), "outcomes" (counts and
// "positive_identification_rate", null when no outcome was received), "violation_count",
// "trail" (verified, rows, head, first_broken_row, problem, expected_head) and "tables"
// (table id -> array of row objects; numeric columns are numbers, null when empty).
std::string RenderAuditJson(const AuditReport& report);

// CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled).
// One section per table (cf. casework/audit_tables.h): a row holding only the table id, its
// header row, its rows, then an empty line. Text that a spreadsheet would take for a formula
// (starting with = + - @ tab or CR) is prefixed with an apostrophe.
std::string RenderAuditCsv(const AuditReport& report);

// One self-contained HTML page (inline CSS with print rules; no script, no external resource):
// title with month and generation time, summary figures, violations highlighted (or "None
// found"), trail verification, then every table.
std::string RenderAuditHtml(const AuditReport& report);

// `text` with & < > " ' as HTML entities.
std::string HtmlEscape(const std::string& text);

}  // namespace rtcc::casework
