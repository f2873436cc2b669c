// How intake reads a parsed message for casework: is it automatic mail (RFC 3834), what does a
// delivery report say, and which attachments are not probes and why.
#pragma once

#include <string>
#include <vector>

#include "casework/workflow.h"
#include "mail/mime_message.h"

namespace rtcc::daemon {

// What kind of automatic mail `m` is, kNo for mail a person wrote. Automatic: a multipart/report
// (delivery report; read receipt = auto-reply), Auto-Submitted other than "no" ("auto-replied"
// = auto-reply), Precedence bulk/junk/list, an empty Return-Path ("<>", bounces), no From, From
// `own_address` (rtcc itself, compared case-insensitively), or a From local part mailer-daemon /
// postmaster. X-Auto-Response-Suppress alone is not a sign: it asks the receiver not to auto-reply
// ([MS-OXCMAIL] 2.1.3.2.20) and Exchange transport rules stamp it on people's mail too. Beside
// Auto-Submitted "auto-generated" (Exchange's out-of-office) it makes the mail an auto-reply.
casework::Automatic ClassifyAutomatic(const mail::MimeMessage& m, const std::string& own_address);

// For a delivery report: the most telling action over its recipients ("failed" over "delayed"
// over anything else, which gives "").
std::string DeliveryAction(const mail::MimeMessage& m);

// For a delivery report: "det.gone@pd.test: 5.1.1 550 5.1.1 User doesn't exist", recipients
// joined by "; ", at most 1000 characters; when the report has no readable status part, the
// first line of its text.
std::string DeliveryReason(const mail::MimeMessage& m);

// One sentence per attachment of `m` that is not a probe photograph:
//   "report.pdf (application/pdf) was not used: only photos are searched"
//   "IMG_0412.jpg (declared image/jpeg) was not used: it is not a readable image"
std::vector<std::string> UnusedAttachments(const mail::MimeMessage& m);

}  // namespace rtcc::daemon
