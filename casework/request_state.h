// The life of a request (DESIGN.md) as a state machine. Every change of state goes through
// CanTransition; the store refuses any other.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rtcc::casework {

enum class RequestState {
  kReceived,         // recorded, not yet validated
  kNeedsInfo,        // policy 4.5.3.1: something required is missing; the requestor was told what
  kPendingApproval,  // complete; waits for an analyst (policy 4.5: authorized personnel decide)
  kDenied,           // an analyst refused it, with a reason
  kSearching,        // approved; the search is queued or running
  kResultsSent,      // results stored and the reply queued for the requestor
  kAwaitingOutcome,  // policy 4.5.3.3: waiting for the requestor to report the outcome
  kClosed,           // outcome recorded
  kWithdrawn,        // the requestor withdrew it
};

std::string_view ToString(RequestState state);  // "PENDING_APPROVAL", ...
std::optional<RequestState> ParseRequestState(std::string_view text);

// True when the workflow allows `from` -> `to`.
bool CanTransition(RequestState from, RequestState to);

}  // namespace rtcc::casework
