// Policy 4.5.3.3: outcomes as requestors write them (issue 17: none of three plain-word outcome
// replies reached the log).
#include <gtest/gtest.h>

#include "casework/policy.h"

namespace rtcc::casework {
namespace {

OutcomeKind KindOf(const char* text) {
  auto report = ParseOutcomeReport(text);
  EXPECT_TRUE(report.has_value()) << text;
  return report ? report->kind : OutcomeKind::kInconclusive;
}

TEST(OutcomeReading, PlainWordsOfAPositiveOutcome) {
  for (const char* text :
       {"We arrested him this morning.", "Subject is in custody.", "He's been charged.",
        "That's our guy, thanks!", "It was him.", "Positive ID",
        "Good news \xE2\x80\x94 we ID'd him from your results", "He was identified by his PO.",
        "Detenido esta ma\xC3\xB1"
        "ana, es \xC3\xA9"
        "l.",
        "Booked on robbery charges"})
    EXPECT_EQ(KindOf(text), OutcomeKind::kPositive) << text;
}

TEST(OutcomeReading, NegationAndContractionsTurnAPositiveWordAround) {
  for (const char* text :
       {"Couldn't ID him from any of them.", "Couldn\xE2\x80\x99t identify anyone.",
        "It was not a match.", "None of them matched.", "Not him.", "No match, sorry",
        "We didn't make an arrest.", "Wasn't our guy.", "negative", "No identification",
        "No positive identification", "Ninguno coincide, no es \xC3\xA9l.", "wrong guy"})
    EXPECT_EQ(KindOf(text), OutcomeKind::kNone) << text;
}

TEST(OutcomeReading, NotKnowingYetIsInconclusive) {
  for (const char* text : {"Not sure yet.", "Still working on it", "Inconclusive",
                           "Unable to confirm it's him", "Can't tell from the photos."})
    EXPECT_EQ(KindOf(text), OutcomeKind::kInconclusive) << text;
}

TEST(OutcomeReading, APositiveClauseWinsAndNamesItsCandidate) {
  auto r = ParseOutcomeReport("Number one wasn't him, but #2 was. He's in custody.");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, OutcomeKind::kPositive);
  EXPECT_EQ(r->rank, 2);
}

TEST(OutcomeReading, TheRankHoweverItIsWritten) {
  const std::pair<const char*, int> cases[] = {
      {"Positive, candidate 3", 3},
      {"It was #2, he's in custody", 2},
      {"No. 4 was him", 4},
      {"arrested number two", 2},
      {"We arrested the second one", 2},
      {"the 3rd photo is our guy", 3},
      {"Positive identification, rank 1", 1},
      {"identified: the first candidate", 1},
  };
  for (const auto& [text, rank] : cases) {
    auto r = ParseOutcomeReport(text);
    ASSERT_TRUE(r) << text;
    EXPECT_EQ(r->kind, OutcomeKind::kPositive) << text;
    EXPECT_EQ(r->rank, rank) << text;
  }
  EXPECT_FALSE(ParseOutcomeReport("No match")->rank.has_value());
}

TEST(OutcomeReading, TextThatSaysNoOutcomeIsNone) {
  for (const char* text : {"Thanks!", "Got it, will look at these tomorrow.", "", "ok"})
    EXPECT_FALSE(ParseOutcomeReport(text).has_value()) << text;
  EXPECT_EQ(ParseOutcome("Positive ID - candidate 2"), true);
  EXPECT_EQ(ParseOutcome("Couldn't ID him"), false);
  EXPECT_FALSE(ParseOutcome("not sure yet").has_value());
}

}  // namespace
}  // namespace rtcc::casework
