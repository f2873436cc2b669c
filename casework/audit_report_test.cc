// The monthly audit (policy 4.5.5): every figure of a known month, the violations seeded on
// purpose, and the three renderings.
#include "casework/audit_report.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "testing/audit_test_data.h"

namespace rtcc::casework {
namespace {

using testing::AuditFixture;
using testing::kHostileText;

using AuditReportTest = AuditFixture;

const AuditViolation* FindViolation(const AuditReport& r, const std::string& clause,
                                    const std::string& subject) {
  for (const auto& v : r.violations)
    if (v.clause == clause && v.subject == subject) return &v;
  return nullptr;
}

TEST_F(AuditReportTest, TotalsCountOnlyTheMonth) {
  auto r = October();
  EXPECT_EQ(r.period_start, "2026-10-01T00:00:00Z");
  EXPECT_EQ(r.period_end, "2026-11-01T00:00:00Z");
  EXPECT_EQ(r.generated_at, "2026-11-01T00:00:00Z");
  EXPECT_EQ(r.totals.requests_received, 9);  // R1..R9; R0 (September) and R10 (November) not
  EXPECT_EQ(r.totals.approvals, 7);          // the re-search approval included
  EXPECT_EQ(r.totals.denials, 2);
  EXPECT_EQ(r.totals.withdrawn, 1);
  EXPECT_EQ(r.totals.searches, 7);
  EXPECT_EQ(r.totals.searches_with_results, 4);
}

TEST_F(AuditReportTest, DecemberRollsOverToJanuary) {
  auto r = BuildAuditReport(*store_, 2026, 12, options_);
  EXPECT_EQ(r.period_start, "2026-12-01T00:00:00Z");
  EXPECT_EQ(r.period_end, "2027-01-01T00:00:00Z");
  EXPECT_EQ(r.totals.requests_received, 0);
  auto september = BuildAuditReport(*store_, 2026, 9, options_);
  EXPECT_EQ(september.totals.requests_received, 1);
  EXPECT_EQ(september.totals.searches, 1);
  EXPECT_TRUE(september.violations.empty());
}

TEST_F(AuditReportTest, SearchesPerAnalyst) {
  auto r = October();
  ASSERT_EQ(r.per_analyst.size(), 4u);
  auto row = [&](const std::string& name) {
    auto it = std::find_if(r.per_analyst.begin(), r.per_analyst.end(),
                           [&](const auto& a) { return a.analyst == name; });
    return it == r.per_analyst.end() ? AnalystSearches{} : *it;
  };
  EXPECT_EQ(row("alice").searches, 3);
  EXPECT_EQ(row("alice").with_results, 2);
  EXPECT_EQ(row("alice").re_searches, 1);
  EXPECT_EQ(row("bob").searches, 2);
  EXPECT_EQ(row("bob").with_results, 0);
  EXPECT_EQ(row("carol").searches, 1);
  EXPECT_EQ(row("erin").searches, 1);
  EXPECT_EQ(row("erin").with_results, 1);
  ASSERT_EQ(r.searches.size(), 7u);
  EXPECT_EQ(r.searches.front().request_id, data_->id("R1"));
  EXPECT_EQ(r.searches.front().incident_number, "26-001");
  EXPECT_EQ(r.searches.front().incident_type, "robbery");
  EXPECT_EQ(r.searches.front().candidate_count, 2);
  EXPECT_EQ(r.searches.front().outcome, OutcomeKind::kPositive);
}

TEST_F(AuditReportTest, EveryDecisionWithAnalystReasonAndOverride) {
  auto r = October();
  ASSERT_EQ(r.decisions.size(), 9u);
  const AuditDecision* flagged = nullptr;
  const AuditDecision* denial = nullptr;
  for (const auto& d : r.decisions) {
    if (d.request_id == data_->id("R3")) flagged = &d;
    if (d.request_id == data_->id("R4")) denial = &d;
  }
  ASSERT_NE(flagged, nullptr);
  EXPECT_EQ(flagged->decision, Decision::kApproved);
  EXPECT_EQ(flagged->analyst, "carol");
  EXPECT_EQ(flagged->override_reason, "the organizer assaulted an officer");
  EXPECT_EQ(flagged->flags, "protest");
  ASSERT_NE(denial, nullptr);
  EXPECT_EQ(denial->decision, Decision::kDenied);
  EXPECT_EQ(denial->analyst, "alice");
  EXPECT_EQ(denial->reason, kHostileText);
}

TEST_F(AuditReportTest, FlaggedRequestsAndOverrides) {
  auto r = October();
  ASSERT_EQ(r.flagged.size(), 3u);  // R3, R4, R9 (policy 4.5.2)
  EXPECT_EQ(r.flagged[0].request_id, data_->id("R3"));
  EXPECT_TRUE(r.flagged[0].approved);
  EXPECT_EQ(r.flagged[0].override_by, "carol");
  EXPECT_EQ(r.flagged[1].request_id, data_->id("R4"));
  EXPECT_FALSE(r.flagged[1].approved);
  EXPECT_EQ(r.flagged[2].request_id, data_->id("R9"));
  EXPECT_TRUE(r.flagged[2].approved);
  EXPECT_EQ(r.flagged[2].override_reason, "");
}

TEST_F(AuditReportTest, RequestsWithoutIncidentNumberAndReSearches) {
  auto r = October();
  ASSERT_EQ(r.without_incident_number.size(), 1u);
  EXPECT_EQ(r.without_incident_number[0].request_id, data_->id("R2"));
  ASSERT_EQ(r.re_searches.size(), 1u);  // policy 4.5.3.4
  EXPECT_EQ(r.re_searches[0].parent_search_id, data_->search("S2"));
  EXPECT_EQ(r.re_searches[0].decision_kind, DecisionKind::kResearch);
  ASSERT_EQ(r.re_search_decisions.size(), 1u);
  EXPECT_EQ(r.re_search_decisions[0].analyst, "alice");
}

TEST_F(AuditReportTest, OverdueOutcomesAsOfTheReportTime) {
  auto r = October();
  ASSERT_EQ(r.overdue_outcomes.size(), 1u);  // R2: 21 days; R6: 7 days, not yet
  EXPECT_EQ(r.overdue_outcomes[0].request_id, data_->id("R2"));
  EXPECT_EQ(r.overdue_outcomes[0].days_waiting, 21);
  EXPECT_EQ(r.overdue_outcomes[0].reminders_sent, 1);
  EXPECT_EQ(r.overdue_outcomes[0].last_reminder_at, "2026-10-26T09:00:00Z");
  options_.outcome_overdue_days = 5;
  EXPECT_EQ(October().overdue_outcomes.size(), 2u);
}

TEST_F(AuditReportTest, OutcomesAndThePositiveIdentificationRate) {
  auto r = October();
  EXPECT_EQ(r.outcomes.size(), 3u);
  EXPECT_EQ(r.outcomes_positive, 1);
  EXPECT_EQ(r.outcomes_none, 1);
  EXPECT_EQ(r.outcomes_inconclusive, 1);
  ASSERT_TRUE(PositiveIdentificationRate(r).has_value());
  EXPECT_NEAR(*PositiveIdentificationRate(r), 1.0 / 3, 1e-9);
  EXPECT_EQ(PositiveIdentificationRateText(r), "33.3% (1 of 3)");
  auto empty = BuildAuditReport(*store_, 2026, 12, options_);
  EXPECT_FALSE(PositiveIdentificationRate(empty).has_value());
  EXPECT_EQ(PositiveIdentificationRateText(empty), "n/a");
}

TEST_F(AuditReportTest, SeededViolationsAreFoundAndNothingElse) {
  auto r = October();
  for (const auto& v : r.violations)
    SCOPED_TRACE(v.clause + " " + v.request_id + " " + v.subject + ": " + v.detail);
  EXPECT_EQ(r.violations.size(), 5u);
  auto s8 = "search #" + std::to_string(data_->search("S8"));
  auto s6 = "search #" + std::to_string(data_->search("S6"));
  auto o3 = "reply #" + std::to_string(data_->reply("O3"));
  auto d6 = "decision #" + std::to_string(data_->decision("D6"));
  auto d9 = "decision #" + std::to_string(data_->decision("D9"));
  // 4.5: S8 ran on a denial (the trigger was dropped to insert it).
  ASSERT_NE(FindViolation(r, "4.5", s8), nullptr);
  EXPECT_NE(FindViolation(r, "4.5", s8)->detail.find("which is a denial"), std::string::npos);
  // 4.5.3.2: reply O3 listed 1 of the 3 candidates of S3.
  ASSERT_NE(FindViolation(r, "4.5.3.2", o3), nullptr);
  EXPECT_NE(FindViolation(r, "4.5.3.2", o3)->detail.find("listed 1 of the 3"), std::string::npos);
  // 4.5.3.3: S6 searched R7, which has no incident type.
  EXPECT_NE(FindViolation(r, "4.5.3.3", s6), nullptr);
  // 4.5: dave approved the request he filed (roster e-mail, compared case-insensitively).
  ASSERT_NE(FindViolation(r, "4.5", d6), nullptr);
  EXPECT_EQ(FindViolation(r, "4.5", d6)->request_id, data_->id("R6"));
  // 4.5.2: R9 was flagged and approved without an override reason.
  EXPECT_NE(FindViolation(r, "4.5.2", d9), nullptr);
  EXPECT_TRUE(std::is_sorted(r.violations.begin(), r.violations.end(),
                             [](const auto& a, const auto& b) { return a.at < b.at; }));
}

TEST_F(AuditReportTest, SelfApprovalNeedsTheRosterAddressWhenNamesDiffer) {
  options_.analyst_emails.clear();
  auto r = October();
  EXPECT_EQ(FindViolation(r, "4.5", "decision #" + std::to_string(data_->decision("D6"))), nullptr);
  EXPECT_EQ(r.violations.size(), 4u);
}

TEST_F(AuditReportTest, MoreViolationsAreFoundWhenTheDataIsTamperedWith) {
  // An approval dated after its search, a reply that does not say how many candidates it
  // listed, and an approval of a request without a 4.5.1 purpose.
  store_->db().Exec("UPDATE decisions SET decided_at = '2026-10-02T11:00:00Z' WHERE id = " +
                    std::to_string(data_->decision("D1")));
  store_->db().Exec("UPDATE outbox SET candidates_listed = NULL WHERE id = " +
                    std::to_string(data_->reply("O1")));
  store_->db().Exec("UPDATE requests SET purpose_code = NULL WHERE id = '" + data_->id("R3") + "'");
  auto r = October();
  EXPECT_EQ(r.violations.size(), 8u);
  auto s1 = FindViolation(r, "4.5", "search #" + std::to_string(data_->search("S1")));
  ASSERT_NE(s1, nullptr);
  EXPECT_NE(s1->detail.find("after the search"), std::string::npos);
  auto o1 = FindViolation(r, "4.5.3.2", "reply #" + std::to_string(data_->reply("O1")));
  ASSERT_NE(o1, nullptr);
  EXPECT_NE(o1->detail.find("does not record"), std::string::npos);
  EXPECT_NE(FindViolation(r, "4.5.1", "decision #" + std::to_string(data_->decision("D3"))),
            nullptr);
}

TEST_F(AuditReportTest, TheTrailIsVerified) {
  auto r = October();
  EXPECT_TRUE(r.trail.ok) << r.trail.problem;
  auto count = store_->db().Prepare("SELECT count(*) FROM events");
  ASSERT_TRUE(count.Step());
  EXPECT_EQ(r.trail.rows, count.Int(0));
  EXPECT_EQ(r.trail.head.size(), 64u);

  options_.expected_head = std::string(64, 'a');  // a head this trail never had
  auto gone = October();
  EXPECT_FALSE(gone.trail.ok);
  EXPECT_EQ(gone.expected_head, std::string(64, 'a'));

  options_.expected_head.clear();
  store_->db().Exec(
      "DROP TRIGGER events_no_update; UPDATE events SET detail = 'edited' WHERE id = 3");
  auto broken = October();
  EXPECT_FALSE(broken.trail.ok);
  ASSERT_TRUE(broken.trail.first_broken.has_value());
  EXPECT_EQ(*broken.trail.first_broken, 3);
}

TEST_F(AuditReportTest, BadMonthsAreRefused) {
  EXPECT_THROW(BuildAuditReport(*store_, 2026, 13, options_), std::invalid_argument);
  EXPECT_THROW(BuildAuditReport(*store_, 2026, 0, options_), std::invalid_argument);
  EXPECT_THROW(BuildAuditReport(*store_, 1969, 5, options_), std::invalid_argument);
  EXPECT_EQ(ParseAuditMonth("2026-11"), (std::pair{2026, 11}));
  EXPECT_EQ(ParseAuditMonth("2026-01"), (std::pair{2026, 1}));
  for (const char* bad : {"2026-13", "2026-00", "2026-1", "26-11", "2026/11", "2026-11-01", "",
                          "november", "2026-1a", "1969-12"})
    EXPECT_FALSE(ParseAuditMonth(bad).has_value()) << bad;
}

}  // namespace
}  // namespace rtcc::casework
