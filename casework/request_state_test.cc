#include "casework/request_state.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

namespace rtcc::casework {
namespace {

using S = RequestState;
const std::vector<S> kAll = {S::kReceived,        S::kNeedsInfo, S::kPendingApproval,
                             S::kDenied,          S::kSearching, S::kResultsSent,
                             S::kAwaitingOutcome, S::kClosed,    S::kWithdrawn};

TEST(RequestState, NamesRoundTrip) {
  for (S s : kAll) EXPECT_EQ(ParseRequestState(ToString(s)), s) << ToString(s);
  EXPECT_FALSE(ParseRequestState("APPROVED").has_value());
}

// The whole transition table: exactly the edges of DESIGN.md's diagram, nothing else.
TEST(RequestState, OnlyTheDesignedTransitionsAreAllowed) {
  const std::set<std::pair<S, S>> allowed = {
      {S::kReceived, S::kNeedsInfo},          {S::kReceived, S::kPendingApproval},
      {S::kNeedsInfo, S::kPendingApproval},   {S::kPendingApproval, S::kSearching},
      {S::kPendingApproval, S::kDenied},      {S::kSearching, S::kResultsSent},
      {S::kResultsSent, S::kAwaitingOutcome}, {S::kAwaitingOutcome, S::kSearching},
      {S::kAwaitingOutcome, S::kClosed},      {S::kResultsSent, S::kClosed},
      {S::kReceived, S::kWithdrawn},          {S::kNeedsInfo, S::kWithdrawn},
      {S::kPendingApproval, S::kWithdrawn},   {S::kClosed, S::kSearching},
  };
  for (S from : kAll)
    for (S to : kAll)
      EXPECT_EQ(CanTransition(from, to), allowed.count({from, to}) == 1)
          << ToString(from) << " -> " << ToString(to);
}

TEST(RequestState, NoSearchWithoutPassingPendingApproval) {
  // Policy 4.5: the only ways into SEARCHING are an approval or a re-search of a searched request
  // (4.5.3.4; workflow.cc ApproveResearch refuses one after a positive identification).
  for (S from : kAll) {
    if (CanTransition(from, S::kSearching)) {
      EXPECT_TRUE(from == S::kPendingApproval || from == S::kAwaitingOutcome || from == S::kClosed)
          << ToString(from);
    }
  }
  EXPECT_FALSE(CanTransition(S::kDenied, S::kSearching));
  EXPECT_FALSE(CanTransition(S::kNeedsInfo, S::kSearching));
}

}  // namespace
}  // namespace rtcc::casework
