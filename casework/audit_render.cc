#include "casework/audit_render.h"

#include <cstdio>

#include "base/utf8.h"
#include "casework/audit_tables.h"

namespace rtcc::casework {
namespace {

std::string Str(const std::string& s) { return "\"" + JsonEscape(s) + "\""; }

std::string Field(const std::string& key, const std::string& json_value) {
  return Str(key) + ":" + json_value;
}

std::string Int(std::int64_t v) { return std::to_string(v); }

std::string TableJson(const AuditTable& t) {
  std::string out = "[";
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    out += r ? ",{" : "{";
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const std::string& cell = t.rows[r][c];
      std::string value = !t.columns[c].numeric ? Str(cell) : cell.empty() ? "null" : cell;
      out += (c ? "," : "") + Field(t.columns[c].name, value);
    }
    out += "}";
  }
  return out + "]";
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

std::string JsonEscape(const std::string& text) {
  std::string out;
  for (char ch : base::SanitizeUtf8(text)) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string RenderAuditJson(const AuditReport& r) {
  const auto& t = r.totals;
  auto rate = PositiveIdentificationRate(r);
  char rate_text[32] = "null";
  if (rate) std::snprintf(rate_text, sizeof rate_text, "%.4f", *rate);
  std::string out = "{";
  out += Field("report", Str("rtcc monthly facial recognition audit (policy 4.5.5)")) + ",";
  out += Field("month", Str(AuditMonthText(r))) + ",";
  out += Field("period_start", Str(r.period_start)) + ",";
  out += Field("period_end", Str(r.period_end)) + ",";
  out += Field("generated_at", Str(r.generated_at)) + ",";
  out += Field("outcome_overdue_days", Int(r.outcome_overdue_days)) + ",";
  out += Field("totals", "{" + Field("requests_received", Int(t.requests_received)) + "," +
                             Field("approvals", Int(t.approvals)) + "," +
                             Field("denials", Int(t.denials)) + "," +
                             Field("withdrawn", Int(t.withdrawn)) + "," +
                             Field("searches", Int(t.searches)) + "," +
                             Field("searches_with_results", Int(t.searches_with_results)) + "}") +
         ",";
  out += Field("outcomes", "{" + Field("positive", Int(r.outcomes_positive)) + "," +
                               Field("none", Int(r.outcomes_none)) + "," +
                               Field("inconclusive", Int(r.outcomes_inconclusive)) + "," +
                               Field("positive_identification_rate", rate_text) + "," +
                               Field("positive_identification_rate_text",
                                     Str(PositiveIdentificationRateText(r))) +
                               "}") +
         ",";
  out += Field("violation_count", Int(static_cast<std::int64_t>(r.violations.size()))) + ",";
  const auto& v = r.trail;
  out += Field("trail", "{" + Field("verified", v.ok ? "true" : "false") + "," +
                            Field("rows", Int(v.rows)) + "," + Field("head", Str(v.head)) + "," +
                            Field("first_broken_row",
                                  v.first_broken ? Int(*v.first_broken) : std::string("null")) +
                            "," + Field("problem", Str(v.problem)) + "," +
                            Field("expected_head", Str(r.expected_head)) + "}") +
         ",";
  out += Str("tables") + ":{";
  bool first = true;
  for (const auto& table : AuditTables(r)) {
    if (table.id == "summary" || table.id == "trail") continue;  // typed above
    out += (first ? "" : ",") + Field(table.id, TableJson(table));
    first = false;
  }
  return out + "}}\n";
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
