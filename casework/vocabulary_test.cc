// The words of the records: every value's word reads back as that value, no other word is taken;
// the one table of reply kinds. (What the store writes and reads: workflow_test.cc.)
#include "casework/vocabulary.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "casework/policy.h"
#include "casework/reply_kind.h"

namespace rtcc::casework {
namespace {

// Every value reads back from its word; the words are distinct; `unknown` is refused.
template <typename E, typename Parse>
void ExpectRoundTrip(const std::vector<E>& all, Parse parse, const std::string& unknown) {
  std::set<std::string> words;
  for (E v : all) {
    const std::string word(ToString(v));
    EXPECT_EQ(parse(word), v) << word;
    EXPECT_TRUE(words.insert(word).second) << "two values are written " << word;
  }
  EXPECT_FALSE(parse(unknown).has_value()) << unknown;
  EXPECT_FALSE(parse("").has_value());
}

TEST(Vocabulary, MessageStatus) {
  ExpectRoundTrip(std::vector{MessageStatus::kSpooled, MessageStatus::kProcessed},
                  ParseMessageStatus, "Processed");
  EXPECT_EQ(ToString(MessageStatus::kSpooled), "spooled");
}

TEST(Vocabulary, MessageKind) {
  using K = MessageKind;
  ExpectRoundTrip(std::vector{K::kRequest, K::kFollowUp, K::kOutcome, K::kWithdrawal,
                              K::kUnauthorized, K::kOversize, K::kDuplicate, K::kFailed,
                              K::kAutoReply, K::kDeliveryReport, K::kAutomatic},
                  ParseMessageKind, "follow-up");
  EXPECT_EQ(ToString(K::kFollowUp), "follow_up");
  EXPECT_EQ(ToString(K::kDeliveryReport), "delivery_report");
}

TEST(Vocabulary, OutboxState) {
  ExpectRoundTrip(std::vector{OutboxState::kQueued, OutboxState::kSending, OutboxState::kSent},
                  ParseOutboxState, "delivered");
  EXPECT_EQ(ToString(OutboxState::kSending), "sending");
}

TEST(Vocabulary, DecisionAndItsKind) {
  ExpectRoundTrip(std::vector{Decision::kApproved, Decision::kDenied}, ParseDecision, "APPROVED");
  ExpectRoundTrip(std::vector{DecisionKind::kInitial, DecisionKind::kResearch}, ParseDecisionKind,
                  "re-search");
  EXPECT_EQ(ToString(Decision::kApproved), "approved");
  EXPECT_EQ(ToString(DecisionKind::kResearch), "research");
}

TEST(Vocabulary, QualityGrade) {
  ExpectRoundTrip(std::vector{QualityGrade::kGood, QualityGrade::kFair, QualityGrade::kPoor},
                  ParseQualityGrade, "excellent");
  EXPECT_EQ(ToString(QualityGrade::kPoor), "poor");
}

TEST(Vocabulary, ProbeStatus) {
  ExpectRoundTrip(
      std::vector{ProbeStatus::kSearched, ProbeStatus::kNoFace, ProbeStatus::kUnreadable},
      ParseProbeStatus, "lost");
  EXPECT_EQ(ToString(ProbeStatus::kNoFace), "no_face");
}

TEST(Vocabulary, OutcomeKind) {
  ExpectRoundTrip(
      std::vector{OutcomeKind::kPositive, OutcomeKind::kNone, OutcomeKind::kInconclusive},
      ParseOutcomeKind, "positive identification");
}

TEST(ReplyKinds, OneRowPerKindInOrderWithItsTemplate) {
  using K = ReplyKind;
  const std::vector<K> all = {
      K::kAcknowledgement, K::kNeedsInfo,          K::kDenied,   K::kResults,   K::kOutcomeRecorded,
      K::kOutcomeUnclear,  K::kOutcomeNeedsThread, K::kTooLarge, K::kWithdrawn, K::kCannotWithdraw,
      K::kOutcomeReminder};
  ExpectRoundTrip(all, ParseReplyKind, "ack");
  ASSERT_EQ(ReplyKinds().size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(ReplyKinds()[i].kind, all[i]) << i;
    EXPECT_EQ(TemplateName(all[i]), ToString(all[i])) << "each kind has the template of its name";
  }
  EXPECT_EQ(ToString(K::kOutcomeNeedsThread), "outcome_needs_thread");
}

TEST(ReplyKinds, IntakeSendsOnlyItsOwnAnswers) {
  using K = ReplyKind;
  EXPECT_EQ(
      IntakeReplyKinds(),
      (std::vector<K>{K::kAcknowledgement, K::kNeedsInfo, K::kOutcomeRecorded, K::kOutcomeUnclear,
                      K::kOutcomeNeedsThread, K::kTooLarge, K::kWithdrawn, K::kCannotWithdraw}))
      << "denials, results and reminders are not answers to a message: the cap does not count "
         "them";
}

}  // namespace
}  // namespace rtcc::casework
