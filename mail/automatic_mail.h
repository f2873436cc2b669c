// Mail no person wrote (RFC 3834 automatic responses, RFC 3464 delivery reports, RFC 8098 read
// receipts, list and bulk mail), what a delivery report says, and which attachments of a message
// are not photographs, and why.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mail/mime_message.h"

namespace rtcc::mail {

enum class AutomaticKind {
  kPerson,          // a person wrote it
  kAutoReply,       // out-of-office / vacation notice, read receipt
  kDeliveryReport,  // a delivery status notification (bounce, delay), RFC 3464
  kOther,           // bulk or list mail, mail from a robot address or from `own_address`
};

// The most telling action of a delivery report over its recipients (RFC 3464 Action).
enum class DeliveryAction { kOther, kDelayed, kFailed };

// What kind of automatic mail `m` is, kPerson for mail a person wrote. Automatic: a
// multipart/report (delivery report; read receipt = auto-reply), a bounce written as plain text
// (from mailer-daemon or postmaster, or with Return-Path <>, and a subject such as "Undelivered
// Mail Returned to Sender", "Undeliverable:", "failure notice": a delivery report), Auto-Submitted
// other than "no"
// ("auto-replied" = auto-reply), Precedence bulk/junk/list, an empty Return-Path ("<>", bounces),
// no From, From `own_address` (rtcc itself, compared case-insensitively), or a From local part
// mailer-daemon / postmaster. X-Auto-Response-Suppress alone is not a sign: it asks the receiver
// not to auto-reply
// ([MS-OXCMAIL] 2.1.3.2.20) and Exchange transport rules stamp it on people's mail too. Beside
// Auto-Submitted "auto-generated" (Exchange's out-of-office) it makes the mail an auto-reply.
// Also an auto-reply: a vendor's auto-reply field (MimeMessage::vendor_auto_reply_field), or a
// subject that starts as automatic replies do (mail/subject.h IsAutoReplySubject), whatever the
// rest of the header says.
AutomaticKind ClassifyAutomatic(const MimeMessage& m, std::string_view own_address);

// For a delivery report: kFailed when any recipient failed, else kDelayed when any was delayed;
// for a bounce written as plain text (no status part), what its subject says.
DeliveryAction WorstDeliveryAction(const MimeMessage& m);

// For a delivery report: "det.gone@pd.test: 5.1.1 550 5.1.1 User doesn't exist", recipients
// joined by "; ", at most 1000 characters; when the report has no readable status part, the
// first line of its text.
std::string DeliveryReason(const MimeMessage& m);

// One sentence per attachment of `m` that is not a probe photograph:
//   "report.pdf (application/pdf) was not used: only photos are searched"
//   "IMG_0412.jpg (declared image/jpeg) was not used: it is not a readable image"
std::vector<std::string> UnusedAttachments(const MimeMessage& m);

}  // namespace rtcc::mail
