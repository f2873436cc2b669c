// The monthly audit (policy 4.5.5) rendered: one self-contained HTML page, CSV that parses
// (RFC 4180), JSON that parses and carries the figures; all text escaped.
#include "casework/audit_render.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>

#include "base/json.h"
#include "testing/audit_test_data.h"

namespace rtcc::casework {
namespace {

using testing::AuditFixture;
using testing::kHostileText;

using AuditRenderTest = AuditFixture;

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// RFC 4180: records of fields; CRLF ends a record; quoted fields may hold commas, CRLF and
// doubled quotes. Fails the test on a malformed quote.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  std::size_t i = 0;
  bool quoted = false, was_quoted = false;
  while (i < text.size()) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        i += 2;
      } else if (c == '"') {
        quoted = false;
        ++i;
      } else {
        field += c;
        ++i;
      }
      continue;
    }
    if (c == '"') {
      EXPECT_TRUE(field.empty() && !was_quoted) << "stray quote at byte " << i;
      quoted = was_quoted = true;
      ++i;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
      was_quoted = false;
      ++i;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
      was_quoted = false;
      i += 2;
    } else {
      EXPECT_NE(c, '\n') << "bare LF at byte " << i;
      EXPECT_FALSE(was_quoted) << "text after a closing quote at byte " << i;
      field += c;
      ++i;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quoted field";
  EXPECT_TRUE(field.empty() && record.empty()) << "the last record has no CRLF";
  return records;
}

TEST_F(AuditRenderTest, HtmlIsOneSelfContainedPrintablePage) {
  std::string html = RenderAuditHtml(October());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<title>RTCC facial recognition audit 2026-10</title>"), std::string::npos);
  EXPECT_NE(html.find("Generated 2026-11-01T00:00:00Z"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  const std::string lower = Lower(html);
  for (const char* external : {"<script", "http", "src=", "<link", "@import", "url(", "href="})
    EXPECT_EQ(lower.find(external), std::string::npos) << external;
  EXPECT_EQ(Count(html, "<html"), 1u);
  EXPECT_EQ(Count(html, "</html>"), 1u);
}

TEST_F(AuditRenderTest, HtmlShowsFiguresAndHighlightsViolations) {
  std::string html = RenderAuditHtml(October());
  EXPECT_EQ(Count(html, "<tr class=\"violation\">"), 5u);
  EXPECT_NE(html.find("Requests received<span>9</span>"), std::string::npos);
  EXPECT_NE(html.find("Positive identification rate<span>33.3% (1 of 3)</span>"),
            std::string::npos);
  EXPECT_NE(html.find("<div class=\"figure bad\">Policy violations found<span>5</span>"),
            std::string::npos);
  EXPECT_NE(html.find("The audit trail verifies"), std::string::npos);
  EXPECT_EQ(html.find("None found."), std::string::npos);
  // The denial reason, escaped: no markup gets through.
  EXPECT_NE(html.find("real-time monitoring &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
                      "&amp; &#39;more&#39;, =HYPERLINK(1)"),
            std::string::npos);
  EXPECT_NE(html.find("<section id=\"re_searches\">"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"overdue_outcomes\">"), std::string::npos);
}

TEST_F(AuditRenderTest, HtmlOfACleanMonthSaysNoneFoundAndNa) {
  std::string html = RenderAuditHtml(BuildAuditReport(*store_, 2026, 12, options_));
  EXPECT_NE(html.find("None found."), std::string::npos);
  EXPECT_EQ(Count(html, "<tr class=\"violation\">"), 0u);
  EXPECT_NE(html.find("Positive identification rate<span>n/a</span>"), std::string::npos);
}

TEST_F(AuditRenderTest, HtmlSaysWhenTheTrailIsBroken) {
  store_->db().Exec("DROP TRIGGER events_no_update; UPDATE events SET actor = 'x' WHERE id = 4");
  std::string html = RenderAuditHtml(October());
  EXPECT_NE(html.find("The audit trail does NOT verify from row 4"), std::string::npos);
  EXPECT_EQ(html.find("The audit trail verifies"), std::string::npos);
}

TEST_F(AuditRenderTest, CsvParsesOneSectionPerTable) {
  auto report = October();
  report.decisions.front().reason = "=SUM(A1:A9)";  // what a spreadsheet would run
  auto records = ParseCsv(RenderAuditCsv(report));
  std::vector<std::string> ids;
  std::map<std::string, std::vector<std::vector<std::string>>> sections;
  for (std::size_t i = 0; i < records.size();) {
    ASSERT_EQ(records[i].size(), 1u) << "record " << i << " should name a table";
    const std::string id = records[i][0];
    ids.push_back(id);
    ASSERT_LT(i + 1, records.size());
    const auto& header = records[i + 1];
    auto& rows = sections[id];
    rows.push_back(header);
    for (i += 2; i < records.size() && !(records[i].size() == 1 && records[i][0].empty()); ++i) {
      EXPECT_EQ(records[i].size(), header.size()) << id << " record " << i;
      rows.push_back(records[i]);
    }
    ++i;  // the empty line after a section
  }
  EXPECT_EQ(ids,
            (std::vector<std::string>{
                "summary", "violations", "trail", "searches_per_analyst", "searches", "decisions",
                "flagged_requests", "requests_without_incident_number", "re_searches",
                "re_search_decisions", "overdue_outcomes", "outcomes_received"}));
  const auto& summary = sections["summary"];
  EXPECT_NE(std::find(summary.begin(), summary.end(),
                      std::vector<std::string>{"requests_received", "Requests received", "9"}),
            summary.end());
  EXPECT_EQ(sections["violations"].size(), 1u + 5u);
  EXPECT_EQ(sections["searches"].size(), 1u + 7u);
  EXPECT_EQ(sections["decisions"].size(), 1u + 9u);
  EXPECT_EQ(sections["trail"][1][0], "yes");
  const auto& decisions = sections["decisions"];
  const auto reason =
      std::find(decisions[0].begin(), decisions[0].end(), "reason") - decisions[0].begin();
  EXPECT_EQ(decisions[1][reason], "'=SUM(A1:A9)");  // not a formula any more
  bool hostile = false;
  for (const auto& row : decisions) hostile = hostile || row[reason] == kHostileText;
  EXPECT_TRUE(hostile) << "the quoted reason should come back whole";
}

TEST_F(AuditRenderTest, JsonParsesAndCarriesTheFigures) {
  std::string json = RenderAuditJson(October());
  EXPECT_TRUE(base::Json::accept(json)) << json;
  for (const char* figure :
       {"\"month\":\"2026-10\"", "\"requests_received\":9", "\"approvals\":7", "\"denials\":2",
        "\"withdrawn\":1", "\"searches\":7", "\"searches_with_results\":4", "\"positive\":1",
        "\"none\":1", "\"inconclusive\":1", "\"positive_identification_rate\":0.3333",
        "\"violation_count\":5", "\"verified\":true", "\"first_broken_row\":null",
        "\"generated_at\":\"2026-11-01T00:00:00Z\""})
    EXPECT_NE(json.find(figure), std::string::npos) << figure;
  EXPECT_NE(json.find("alert(\\\"x\\\")"), std::string::npos);  // quotes escaped
  EXPECT_EQ(Count(json, "\"clause\":"), 5u);
  EXPECT_NE(json.find("\"days_waiting\":21"), std::string::npos);  // a number, not a string
  EXPECT_NE(json.find("\"parent_search_id\":null"), std::string::npos);
}

TEST_F(AuditRenderTest, JsonOfAMonthWithoutOutcomesHasANullRate) {
  std::string json = RenderAuditJson(BuildAuditReport(*store_, 2026, 12, options_));
  EXPECT_TRUE(base::Json::accept(json)) << json;
  EXPECT_NE(json.find("\"positive_identification_rate\":null"), std::string::npos);
  EXPECT_NE(json.find("\"positive_identification_rate_text\":\"n/a\""), std::string::npos);
}

TEST(AuditEscaping, MarkupAndInvalidUtf8) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("cut \xE2\x82"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace rtcc::casework
