#include "casework/request_state.h"

#include <array>
#include <utility>

#include "base/enum_names.h"

namespace rtcc::casework {
namespace {

using S = RequestState;

constexpr base::EnumNames<S, 9> kNames = {{
    {S::kReceived, "RECEIVED"},
    {S::kNeedsInfo, "NEEDS_INFO"},
    {S::kPendingApproval, "PENDING_APPROVAL"},
    {S::kDenied, "DENIED"},
    {S::kSearching, "SEARCHING"},
    {S::kResultsSent, "RESULTS_SENT"},
    {S::kAwaitingOutcome, "AWAITING_OUTCOME"},
    {S::kClosed, "CLOSED"},
    {S::kWithdrawn, "WITHDRAWN"},
}};

// The edges of DESIGN.md's diagram.
constexpr std::array<std::pair<S, S>, 14> kEdges = {{
    {S::kReceived, S::kNeedsInfo},
    {S::kReceived, S::kPendingApproval},
    {S::kNeedsInfo, S::kPendingApproval},  // a follow-up supplied what was missing
    {S::kPendingApproval, S::kSearching},  // approved (policy 4.5)
    {S::kPendingApproval, S::kDenied},
    {S::kSearching, S::kResultsSent},  // results stored, reply queued (4.5.3.2)
    {S::kResultsSent, S::kAwaitingOutcome},
    {S::kAwaitingOutcome, S::kSearching},  // re-search (4.5.3.4)
    {S::kAwaitingOutcome, S::kClosed},     // outcome reported (4.5.3.3)
    {S::kReceived, S::kWithdrawn},
    {S::kNeedsInfo, S::kWithdrawn},
    {S::kPendingApproval, S::kWithdrawn},
    {S::kResultsSent, S::kClosed},  // the outcome came before the send was confirmed
    {S::kClosed, S::kSearching},    // re-search after "no identification" (4.5.3.4)
}};

}  // namespace

std::string_view ToString(RequestState state) { return base::NameOf(kNames, state); }

std::optional<RequestState> ParseRequestState(std::string_view text) {
  return base::ValueOf(kNames, text);
}

bool CanTransition(RequestState from, RequestState to) {
  for (const auto& [a, b] : kEdges)
    if (a == from && b == to) return true;
  return false;
}

}  // namespace rtcc::casework
