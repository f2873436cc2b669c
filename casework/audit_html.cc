// RenderAuditHtml: the monthly audit (policy 4.5.5) as one printable page for a supervisor.
#include "base/utf8.h"
#include "casework/audit_render.h"
#include "casework/audit_tables.h"

namespace rtcc::casework {
namespace {

// Inline only: the page must open and print the same anywhere, offline, with nothing fetched.
constexpr const char* kStyle = R"css(
body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; color: #111; margin: 2em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 1.8em; border-bottom: 1px solid #888; }
p.meta { color: #444; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.45em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.hash { font-family: Consolas, "DejaVu Sans Mono", monospace; word-break: break-all; }
div.figures { display: flex; flex-wrap: wrap; gap: 0.6em; }
div.figure { border: 1px solid #bbb; padding: 0.4em 0.7em; min-width: 11em; }
div.figure span { display: block; font-size: 1.4em; font-weight: bold; }
div.figure.bad, tr.violation td { background: #fde2e2; }
.bad { color: #a00000; font-weight: bold; }
.good { color: #006000; font-weight: bold; }
p.none { color: #555; font-style: italic; }
@media print {
  body { margin: 0; font-size: 9.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr, div.figure { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  th, div.figure.bad, tr.violation td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

std::string E(const std::string& s) { return HtmlEscape(s); }

std::string Table(const AuditTable& t, const char* row_class) {
  if (t.rows.empty()) return "<p class=\"none\">None.</p>\n";
  std::string out = "<table>\n<thead><tr>";
  for (const auto& c : t.columns) out += "<th>" + E(c.label) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out +=
        std::string("<tr") + (*row_class ? " class=\"" + std::string(row_class) + "\"" : "") + ">";
    for (std::size_t c = 0; c < row.size(); ++c)
      out += std::string(t.columns[c].numeric ? "<td class=\"n\">" : "<td>") + E(row[c]) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string Summary(const AuditTable& t) {
  std::string out = "<div class=\"figures\">\n";
  for (const auto& row : t.rows) {
    bool bad = (row[0] == "violations" || row[0] == "overdue_outcomes") && row[2] != "0";
    out += std::string("<div class=\"figure") + (bad ? " bad" : "") + "\">" + E(row[1]) + "<span>" +
           E(row[2]) + "</span></div>\n";
  }
  return out + "</div>\n";
}

std::string Trail(const AuditReport& r) {
  const auto& v = r.trail;
  std::string out =
      v.ok ? "<p class=\"good\">The audit trail verifies: " + std::to_string(v.rows) +
                 " rows, each chained to the one before.</p>\n"
           : "<p class=\"bad\">The audit trail does NOT verify" +
                 (v.first_broken ? " from row " + std::to_string(*v.first_broken) : std::string()) +
                 ": " + E(v.problem) + "</p>\n";
  out += "<table>\n<tbody>\n";
  out += "<tr><th>Rows read</th><td class=\"n\">" + std::to_string(v.rows) + "</td></tr>\n";
  out +=
      "<tr><th>Head hash (record it: next month's audit checks it is still there)</th>"
      "<td class=\"hash\">" +
      E(v.head.empty() ? "-" : v.head) + "</td></tr>\n";
  if (!r.expected_head.empty())
    out += "<tr><th>Head recorded earlier</th><td class=\"hash\">" + E(r.expected_head) +
           "</td></tr>\n";
  if (v.first_broken)
    out += "<tr class=\"violation\"><th>First broken row</th><td class=\"n\">" +
           std::to_string(*v.first_broken) + "</td></tr>\n";
  return out + "</tbody>\n</table>\n";
}

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  for (char c : base::SanitizeUtf8(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderAuditHtml(const AuditReport& r) {
  const std::string month = AuditMonthText(r);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>RTCC facial recognition audit " +
      E(month) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<h1>RTCC facial recognition monthly audit: " + E(month) + "</h1>\n";
  out += "<p class=\"meta\">Policy 4.5.5. Period " + E(r.period_start) + " to " + E(r.period_end) +
         " (UTC, end excluded). Generated " + E(r.generated_at) + ".</p>\n";
  for (const auto& t : AuditTables(r)) {
    out += "<section id=\"" + E(t.id) + "\">\n<h2>" + E(t.title) + "</h2>\n";
    if (t.id == "summary") {
      out += Summary(t);
    } else if (t.id == "trail") {
      out += Trail(r);
    } else if (t.id == "violations") {
      out += t.rows.empty() ? "<p class=\"good\">None found.</p>\n" : Table(t, "violation");
    } else {
      out += Table(t, "");
    }
    out += "</section>\n";
  }
  out +=
      "<p class=\"meta\">Candidates are investigative leads, not identifications (4.3.4, "
      "4.5.3.2). Signed by the reviewing supervisor: ____________________ Date: ________</p>\n";
  return out + "</body>\n</html>\n";
}

}  // namespace rtcc::casework
