#include "casework/vocabulary.h"

#include "base/enum_names.h"

namespace rtcc::casework {
namespace {

using base::EnumNames;

constexpr EnumNames<MessageStatus, 2> kMessageStatuses = {{
    {MessageStatus::kSpooled, "spooled"},
    {MessageStatus::kProcessed, "processed"},
}};

constexpr EnumNames<MessageKind, 11> kMessageKinds = {{
    {MessageKind::kRequest, "request"},
    {MessageKind::kFollowUp, "follow_up"},
    {MessageKind::kOutcome, "outcome"},
    {MessageKind::kWithdrawal, "withdrawal"},
    {MessageKind::kUnauthorized, "unauthorized"},
    {MessageKind::kOversize, "oversize"},
    {MessageKind::kDuplicate, "duplicate"},
    {MessageKind::kFailed, "failed"},
    {MessageKind::kAutoReply, "auto_reply"},
    {MessageKind::kDeliveryReport, "delivery_report"},
    {MessageKind::kAutomatic, "automatic"},
}};

constexpr EnumNames<OutboxState, 3> kOutboxStates = {{
    {OutboxState::kQueued, "queued"},
    {OutboxState::kSending, "sending"},
    {OutboxState::kSent, "sent"},
}};

constexpr EnumNames<Decision, 2> kDecisions = {{
    {Decision::kApproved, "approved"},
    {Decision::kDenied, "denied"},
}};

constexpr EnumNames<DecisionKind, 2> kDecisionKinds = {{
    {DecisionKind::kInitial, "initial"},
    {DecisionKind::kResearch, "research"},
}};

constexpr EnumNames<QualityGrade, 3> kQualityGrades = {{
    {QualityGrade::kGood, "good"},
    {QualityGrade::kFair, "fair"},
    {QualityGrade::kPoor, "poor"},
}};

constexpr EnumNames<ProbeStatus, 3> kProbeStatuses = {{
    {ProbeStatus::kSearched, "searched"},
    {ProbeStatus::kNoFace, "no_face"},
    {ProbeStatus::kUnreadable, "unreadable"},
}};

}  // namespace

// ToString and Parse<Enum> of each vocabulary: the two lookups over its table.
#define RTCC_VOCABULARY(Enum, names)                                           \
  std::string_view ToString(Enum value) { return base::NameOf(names, value); } \
  std::optional<Enum> Parse##Enum(std::string_view text) { return base::ValueOf(names, text); }

RTCC_VOCABULARY(MessageStatus, kMessageStatuses)
RTCC_VOCABULARY(MessageKind, kMessageKinds)
RTCC_VOCABULARY(OutboxState, kOutboxStates)
RTCC_VOCABULARY(Decision, kDecisions)
RTCC_VOCABULARY(DecisionKind, kDecisionKinds)
RTCC_VOCABULARY(QualityGrade, kQualityGrades)
RTCC_VOCABULARY(ProbeStatus, kProbeStatuses)

#undef RTCC_VOCABULARY

}  // namespace rtcc::casework
