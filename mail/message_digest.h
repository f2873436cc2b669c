// What makes two deliveries the same message (RFC 5321 section 4.4, RFC 5322 section 3.6.7): the
// message as its author's client wrote it, without the trace and delivery fields each server on
// the way adds. A sender's server that retries, a copy that comes by two routes, a mailbox that is
// rebuilt: the same digest. A copier or form mailer that reuses one Message-ID for a new message:
// a different digest (its Date, Subject, body or attachments differ).
#pragma once

#include <string>
#include <string_view>

namespace rtcc::mail {

// SHA-256 (hex) of `raw` without its trace and delivery fields (Received, Return-Path,
// Delivered-To, X-Original-To, Authentication-Results, ARC-*, DKIM-Signature, Received-SPF,
// X-MS-Exchange-*, X-Microsoft-Antispam*, X-Forefront-*, X-Spam-*, X-Virus-*, X-Received), field
// names compared case-insensitively, and with CR removed from line ends. Linear in the size of
// `raw`; any bytes are accepted.
std::string ContentDigest(std::string_view raw);

}  // namespace rtcc::mail
