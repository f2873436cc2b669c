#include "mail/automatic_mail.h"

#include <cctype>

#include "base/pattern.h"
#include "base/strings.h"
#include "mail/subject.h"

namespace rtcc::mail {
namespace {

using base::Lower;

bool Contains(const std::string& haystack, const char* needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string FirstLine(const std::string& text) {
  auto b = text.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = text.find('\n', b);
  std::string line = text.substr(b, e == std::string::npos ? std::string::npos : e - b);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// What the subject of a bounce written as plain text (no multipart/report) says: Postfix,
// Exim, qmail, Sendmail, Exchange, Gmail, in English, Spanish, French and German.
DeliveryAction BounceSubjectAction(std::string_view subject) {
  static const auto kDelayed = base::CompilePattern(
      R"(delay|warning: message|not (?:yet )?been delivered|retrasad|retard|verz.{1,2}gert)",
      base::Case::kInsensitive);
  static const auto kFailed = base::CompilePattern(
      R"(undeliver|returned mail|returned to sender|delivery status notification \(failure\)|)"
      R"(delivery (?:has )?failed|delivery failure|failure notice|non ?remis|no se puede entregar|)"
      R"(unzustellbar|nondeliverable|could not be delivered|mail system error)",
      base::Case::kInsensitive);
  re2::StringPiece text(subject.data(), subject.size());
  if (RE2::PartialMatch(text, *kDelayed)) return DeliveryAction::kDelayed;
  if (RE2::PartialMatch(text, *kFailed)) return DeliveryAction::kFailed;
  return DeliveryAction::kOther;
}

bool IsFromMailSystem(const MimeMessage& m) {
  auto local = m.from_address.substr(0, m.from_address.find('@'));
  return local == "mailer-daemon" || local == "postmaster";
}

}  // namespace

AutomaticKind ClassifyAutomatic(const MimeMessage& m, std::string_view own_address) {
  if (m.is_delivery_report) return AutomaticKind::kDeliveryReport;
  if (m.report_type == "disposition-notification") return AutomaticKind::kAutoReply;
  if (!m.report_type.empty()) return AutomaticKind::kOther;
  // A bounce written as plain text: from the mail system, with a bounce's subject.
  if ((IsFromMailSystem(m) || m.return_path == "<>") &&
      BounceSubjectAction(m.subject) != DeliveryAction::kOther)
    return AutomaticKind::kDeliveryReport;
  // RFC 3834 allows parameters: "auto-replied; owner-email=..."
  if (m.auto_submitted.rfind("auto-replied", 0) == 0) return AutomaticKind::kAutoReply;
  if (!m.auto_submitted.empty() && m.auto_submitted != "no") {
    // Exchange's out-of-office says "auto-generated" and asks for no auto-reply in return.
    const std::string& suppress = m.x_auto_response_suppress;
    if (Contains(suppress, "all") || Contains(suppress, "oof") || Contains(suppress, "autoreply"))
      return AutomaticKind::kAutoReply;
    return AutomaticKind::kOther;
  }
  // Vendors' own markers, and the subject prefixes of out-of-office replies sent without any
  // header saying so (Exchange inbox rules, some vacation programs).
  if (!m.vendor_auto_reply_field.empty() || IsAutoReplySubject(m.subject))
    return AutomaticKind::kAutoReply;
  if (m.precedence == "bulk" || m.precedence == "junk" || m.precedence == "list")
    return AutomaticKind::kOther;
  if (m.return_path == "<>") return AutomaticKind::kOther;
  if (m.from_address.empty() || m.from_address == Lower(own_address)) return AutomaticKind::kOther;
  if (IsFromMailSystem(m)) return AutomaticKind::kOther;
  return AutomaticKind::kPerson;
}

DeliveryAction WorstDeliveryAction(const MimeMessage& m) {
  DeliveryAction action = DeliveryAction::kOther;
  for (const auto& s : m.delivery_statuses) {
    if (s.action == "failed") return DeliveryAction::kFailed;
    if (s.action == "delayed") action = DeliveryAction::kDelayed;
  }
  if (m.delivery_statuses.empty()) return BounceSubjectAction(m.subject);  // a plain-text bounce
  return action;
}

std::string DeliveryReason(const MimeMessage& m) {
  constexpr std::size_t kMax = 1000;
  std::string reason;
  for (const auto& s : m.delivery_statuses) {
    std::string one = s.recipient.empty() ? "(recipient not named)" : s.recipient;
    one += ":";
    if (!s.status.empty()) one += " " + s.status;
    if (!s.diagnostic.empty()) one += " " + s.diagnostic;
    if (s.status.empty() && s.diagnostic.empty()) one += " " + s.action;
    reason += (reason.empty() ? "" : "; ") + one;
  }
  if (reason.empty()) reason = FirstLine(m.text_body);
  if (reason.size() > kMax) reason = reason.substr(0, kMax) + "...";
  return reason;
}

std::vector<std::string> UnusedAttachments(const MimeMessage& m) {
  std::vector<std::string> out;
  for (const auto& a : m.other_attachments) {
    std::string name = a.filename.empty() ? "an unnamed attachment" : a.filename;
    bool declared_image =
        a.declared_type.rfind("image/", 0) == 0 && a.declared_type != "image/svg+xml";
    if (declared_image)
      out.push_back(
          name + " (declared " + a.declared_type + ") was not used: it is not a readable image (" +
          (a.size == 0 ? std::string("it is empty") : "its bytes are " + a.content_type) + ")");
    else
      out.push_back(name + " (" + a.content_type + ") was not used: only photos are searched");
  }
  return out;
}

}  // namespace rtcc::mail
