#include "casework/reply_kind.h"

#include <array>

namespace rtcc::casework {
namespace {

using K = ReplyKind;

constexpr std::array<ReplyKindInfo, 11> kReplyKinds = {{
    // kind, outbox.kind, template, from intake
    {K::kAcknowledgement, "acknowledgement", "acknowledgement", true},
    {K::kNeedsInfo, "needs_info", "needs_info", true},
    {K::kDenied, "denied", "denied", false},
    {K::kResults, "results", "results", false},
    {K::kOutcomeRecorded, "outcome_recorded", "outcome_recorded", true},
    {K::kOutcomeUnclear, "outcome_unclear", "outcome_unclear", true},
    {K::kOutcomeNeedsThread, "outcome_needs_thread", "outcome_needs_thread", true},
    {K::kTooLarge, "too_large", "too_large", true},
    {K::kWithdrawn, "withdrawn", "withdrawn", true},
    {K::kCannotWithdraw, "cannot_withdraw", "cannot_withdraw", true},
    {K::kOutcomeReminder, "outcome_reminder", "outcome_reminder", false},
}};

const ReplyKindInfo* Find(ReplyKind kind) {
  for (const auto& info : kReplyKinds)
    if (info.kind == kind) return &info;
  return nullptr;
}

}  // namespace

std::span<const ReplyKindInfo> ReplyKinds() { return kReplyKinds; }

std::string_view ToString(ReplyKind kind) {
  const ReplyKindInfo* info = Find(kind);
  return info ? info->name : "unknown";
}

std::optional<ReplyKind> ParseReplyKind(std::string_view text) {
  for (const auto& info : kReplyKinds)
    if (info.name == text) return info.kind;
  return std::nullopt;
}

std::string_view TemplateName(ReplyKind kind) {
  const ReplyKindInfo* info = Find(kind);
  return info ? info->template_name : "unknown";
}

std::vector<ReplyKind> IntakeReplyKinds() {
  std::vector<ReplyKind> kinds;
  for (const auto& info : kReplyKinds)
    if (info.from_intake) kinds.push_back(info.kind);
  return kinds;
}

}  // namespace rtcc::casework
