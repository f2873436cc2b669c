#include "casework/policy.h"

#include <gtest/gtest.h>

namespace rtcc::casework {
namespace {

TEST(Policy, PurposeIsReadLenientlyAsOneOfTheUsesOf451) {
  EXPECT_EQ(ClassifyPurpose("identify a suspect"), Purpose::kCriminalInvestigation);
  EXPECT_EQ(ClassifyPurpose("Witness to a shooting"), Purpose::kCriminalInvestigation);
  EXPECT_EQ(ClassifyPurpose("victim"), Purpose::kCriminalInvestigation);
  EXPECT_EQ(ClassifyPurpose("IA investigation, involved officer"), Purpose::kInternalAffairs);
  EXPECT_EQ(ClassifyPurpose("Internal Affairs"), Purpose::kInternalAffairs);
  EXPECT_EQ(ClassifyPurpose("unidentified deceased"), Purpose::kDeceased);
  EXPECT_EQ(ClassifyPurpose("DOA at scene"), Purpose::kDeceased);
  EXPECT_EQ(ClassifyPurpose("elderly man unable to identify himself"), Purpose::kUnableToIdentify);
  EXPECT_EQ(ClassifyPurpose("detained, refusing to identify"), Purpose::kDetainedRefusing);
  EXPECT_EQ(ClassifyPurpose("4.5.1(c)"), Purpose::kUnableToIdentify);
  EXPECT_EQ(ClassifyPurpose("(e)"), Purpose::kDetainedRefusing);
  EXPECT_EQ(ClassifyPurpose("b"), Purpose::kInternalAffairs);
  EXPECT_FALSE(ClassifyPurpose("curiosity").has_value());
  EXPECT_FALSE(ClassifyPurpose("").has_value());
}

TEST(Policy, MissingItemsListsExactlyWhatIsMissing) {
  RequestContents complete{1, std::nullopt, "Robbery", "suspect"};
  EXPECT_TRUE(MissingItems(complete).empty())
      << "incident number is only 'if applicable' (4.5.3.1)";

  RequestContents none{};
  auto m = MissingItems(none);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_NE(m[0].find("probe photograph"), std::string::npos);
  EXPECT_NE(m[1].find("incident type"), std::string::npos);
  EXPECT_NE(m[2].find("purpose"), std::string::npos);

  RequestContents bad_purpose{1, "1", "Robbery", "curiosity"};
  m = MissingItems(bad_purpose);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m[0].find("\"curiosity\" is not one of them"), std::string::npos);
}

TEST(Policy, OnlyAllowListedSendersAreAuthorized) {
  std::vector<std::string> domains = {"pd.test"};
  std::vector<std::string> roster = {"liaison@county.test"};
  EXPECT_TRUE(IsAuthorizedSender("det@pd.test", domains, roster));
  EXPECT_TRUE(IsAuthorizedSender("DET@PD.TEST", domains, roster));
  EXPECT_TRUE(IsAuthorizedSender("liaison@county.test", domains, roster));
  EXPECT_FALSE(IsAuthorizedSender("other@county.test", domains, roster));
  EXPECT_FALSE(IsAuthorizedSender("det@evil-pd.test", domains, roster));
  EXPECT_FALSE(IsAuthorizedSender("det@sub.pd.test", domains, roster));
  EXPECT_FALSE(IsAuthorizedSender("", domains, roster));
  EXPECT_FALSE(IsAuthorizedSender("pd.test", domains, roster));
}

TEST(Policy, CaveatsQuoteTheClauses) {
  std::string all;
  for (const auto& c : ResultCaveats()) all += c + "\n";
  EXPECT_NE(all.find("not constitute probable cause"), std::string::npos);  // 4.3.4
  EXPECT_NE(all.find("4.3.4.1"), std::string::npos);
  EXPECT_NE(all.find("top-ranked candidate"), std::string::npos);  // 4.5.3.2
}

TEST(Policy, OutcomesAreReadLeniently) {
  EXPECT_EQ(ParseOutcome("positive identification"), true);
  EXPECT_EQ(ParseOutcome("Positive ID - candidate 2"), true);
  EXPECT_EQ(ParseOutcome("identified"), true);
  EXPECT_EQ(ParseOutcome("no identification"), false);
  EXPECT_EQ(ParseOutcome("No positive identification"), false);
  EXPECT_EQ(ParseOutcome("not identified"), false);
  EXPECT_EQ(ParseOutcome("negative"), false);
  EXPECT_FALSE(ParseOutcome("still working on it").has_value());
}

TEST(Policy, OutcomeReportsNameTheCandidateAndInconclusiveIsItsOwnAnswer) {
  auto p = ParseOutcomeReport("Positive ID - candidate 2");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, OutcomeKind::kPositive);
  EXPECT_EQ(p->rank, 2);
  auto q = ParseOutcomeReport("positive identification, subject: John_Simm (rank #3)");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->rank, 3);
  EXPECT_EQ(q->subject, "John_Simm");
  EXPECT_EQ(ParseOutcomeReport("no identification")->kind, OutcomeKind::kNone);
  EXPECT_FALSE(ParseOutcomeReport("no identification")->rank.has_value());
  EXPECT_EQ(ParseOutcomeReport("Inconclusive - still checking")->kind, OutcomeKind::kInconclusive);
  EXPECT_EQ(ParseOutcomeReport("unable to determine")->kind, OutcomeKind::kInconclusive);
  EXPECT_FALSE(ParseOutcomeReport("thanks!").has_value());
}

TEST(Policy, ProhibitedUsesAreFlaggedByWholeWordsWithTheirClause) {
  const auto& phrases = DefaultProhibitedPhrases();
  auto flags =
      FindProhibitedUses("Need to monitor the protesters at the rally in real time", phrases);
  auto has = [&](const std::string& part) {
    for (const auto& f : flags)
      if (f.find(part) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("4.5.2(d) real-time monitoring: \"monitor\""));
  EXPECT_TRUE(has("4.5.2(c) protected activity or class: \"protest\""));
  EXPECT_TRUE(has("\"rally\""));
  EXPECT_TRUE(has("\"real time\""));
  // Whole words: "personality" is not "personal", "embrace" has no "race" phrase at all.
  EXPECT_TRUE(FindProhibitedUses("robbery suspect, personality disorder noted", phrases).empty());
  EXPECT_TRUE(FindProhibitedUses("Armed robbery, identify a suspect", phrases).empty());
  EXPECT_EQ(FindProhibitedUses("it is PERSONAL", phrases).size(), 1u);
  // Configured phrases replace the built-in ones.
  EXPECT_EQ(FindProhibitedUses("drone sweep", {{"drone", "4.5.2(d) custom"}}).front(),
            "4.5.2(d) custom: \"drone\"");
}

TEST(Policy, WithdrawalsAreRecognisedInTheSubjectOrTheFirstLines) {
  EXPECT_TRUE(AsksToWithdraw("Withdraw [RTCC-2026-000001]", ""));
  EXPECT_TRUE(AsksToWithdraw("cancel request", ""));
  EXPECT_TRUE(AsksToWithdraw("Re: photo", "Please withdraw this request, we found him.\n"));
  EXPECT_TRUE(AsksToWithdraw("Re: photo", "\nWithdraw: yes\n"));
  EXPECT_FALSE(AsksToWithdraw("Re: photo", "Incident Type: Robbery\nPurpose: suspect\n"));
  EXPECT_FALSE(AsksToWithdraw("Re: photo", "He did not withdraw money from the ATM.\n"));
  EXPECT_FALSE(AsksToWithdraw("photo", "\n\na\nb\nc\nd\ne\nPlease withdraw this request\n"))
      << "only the first five lines with text";
}

// Issue 9: the patterns run over mail text in linear time; one line of 60,000 spaces followed by
// "x" overflowed std::regex's recursive matcher and crashed rtccd.
TEST(Policy, HostileTextIsReadInLinearTime) {
  std::string spaces(60'000, ' ');
  std::string line = spaces + "x";
  EXPECT_FALSE(AsksToWithdraw(line, line));
  EXPECT_FALSE(ClassifyPurpose(line));
  EXPECT_FALSE(ParseOutcomeReport(line));
  EXPECT_TRUE(FindProhibitedUses(line, DefaultProhibitedPhrases()).empty());
  EXPECT_TRUE(AsksToWithdraw(spaces + "withdraw", ""));
  EXPECT_EQ(ClassifyPurpose(spaces + "suspect " + spaces), Purpose::kCriminalInvestigation);
  auto positive =
      ParseOutcomeReport(spaces + "positive identification, candidate " + spaces + "#2");
  ASSERT_TRUE(positive);
  EXPECT_EQ(positive->rank, 2);
  std::string tracking;
  for (int i = 0; i < 1'000'000; ++i) tracking += "tracking ";  // 9 MB of one flagged phrase
  EXPECT_EQ(FindProhibitedUses(tracking, DefaultProhibitedPhrases()).size(), 1u);
}

}  // namespace
}  // namespace rtcc::casework
