#include "casework/audit_render.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "base/json.h"
#include "base/utf8.h"
#include "casework/audit_tables.h"

namespace rtcc::casework {
namespace {

using base::Json;

// A numeric column's cell as a JSON number (null when empty); text that is not a number stays text.
Json NumberCell(const std::string& cell) {
  if (cell.empty()) return nullptr;
  const char* end = cell.data() + cell.size();
  std::int64_t whole = 0;
  if (auto r = std::from_chars(cell.data(), end, whole); r.ec == std::errc() && r.ptr == end)
    return whole;
  double real = 0;
  if (auto r = std::from_chars(cell.data(), end, real); r.ec == std::errc() && r.ptr == end)
    return real;
  return cell;
}

Json TableJson(const AuditTable& t) {
  Json rows = Json::array();
  for (const auto& row : t.rows) {
    Json object = Json::object();
    for (std::size_t c = 0; c < t.columns.size(); ++c)
      object[t.columns[c].name] = t.columns[c].numeric ? NumberCell(row[c]) : Json(row[c]);
    rows.push_back(std::move(object));
  }
  return rows;
}

// Spreadsheets run a cell that starts with one of these as a formula.
bool LooksLikeFormula(const std::string& s) {
  return !s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos;
}

std::string CsvField(std::string s, bool numeric) {
  if (!numeric && LooksLikeFormula(s)) s = "'" + s;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string RenderAuditJson(const AuditReport& r) {
  const auto& t = r.totals;
  auto rate = PositiveIdentificationRate(r);
  const auto& v = r.trail;
  Json j;
  j["report"] = "rtcc monthly facial recognition audit (policy 4.5.5)";
  j["month"] = AuditMonthText(r);
  j["period_start"] = r.period_start;
  j["period_end"] = r.period_end;
  j["generated_at"] = r.generated_at;
  j["outcome_overdue_days"] = r.outcome_overdue_days;
  j["totals"] = {{"requests_received", t.requests_received},
                 {"approvals", t.approvals},
                 {"denials", t.denials},
                 {"withdrawn", t.withdrawn},
                 {"searches", t.searches},
                 {"searches_with_results", t.searches_with_results}};
  j["outcomes"] = {
      {"positive", r.outcomes_positive},
      {"none", r.outcomes_none},
      {"inconclusive", r.outcomes_inconclusive},
      // Four decimals, as the HTML report shows it.
      {"positive_identification_rate", rate ? Json(std::round(*rate * 1e4) / 1e4) : Json()},
      {"positive_identification_rate_text", PositiveIdentificationRateText(r)}};
  j["violation_count"] = r.violations.size();
  j["trail"] = {
      {"verified", v.ok},     {"rows", v.rows},
      {"head", v.head},       {"first_broken_row", v.first_broken ? Json(*v.first_broken) : Json()},
      {"problem", v.problem}, {"expected_head", r.expected_head}};
  Json tables = Json::object();
  for (const auto& table : AuditTables(r))
    if (table.id != "summary" && table.id != "trail")
      tables[table.id] = TableJson(table);  // typed above
  j["tables"] = std::move(tables);
  return base::JsonText(j) + "\n";
}

std::string RenderAuditCsv(const AuditReport& r) {
  std::string out;
  for (const auto& t : AuditTables(r)) {
    out += CsvField(t.id, false) + "\r\n";
    for (std::size_t c = 0; c < t.columns.size(); ++c)
      out += (c ? "," : "") + CsvField(t.columns[c].name, false);
    out += "\r\n";
    for (const auto& row : t.rows) {
      for (std::size_t c = 0; c < row.size(); ++c)
        out += (c ? "," : "") + CsvField(base::SanitizeUtf8(row[c]), t.columns[c].numeric);
      out += "\r\n";
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace rtcc::casework
