// Input shapes on which mimetic 0.9.8 misbehaves, removed before it parses a message:
//  - a header field's value is grown 128 bytes at a time (IteratorParser::append), so one long
//    header field (a line, or many folded lines) costs time quadratic in its length: 4 MB took
//    15 s here, 25 MB (the daemon's cap) would take about ten minutes;
//  - nested multiparts and message/rfc822 parts are parsed by recursion without a limit:
//    100,000 nested multiparts (a 6 MB message) overflow the stack.
// Real mail is far from both limits (RFC 5322 lines are at most 998 characters; real messages
// nest a handful of levels), and rtcc reads no deeper than 32 levels anyway.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rtcc::mail {

struct MimeShapeLimits {
  std::size_t max_header_field_bytes = 128 * 1024;  // longer fields are cut to this
  int max_containers = 256;  // multipart/* and message/rfc822 parts beyond this are leaves
};

// Returns a copy of `raw` in which, wherever mimetic may read a header (the top of the message,
// after any line starting with "--", and after the header of a message/rfc822 part):
//  - a header field (with its folded lines) longer than `max_header_field_bytes` is cut to that
//    length, and
//  - the Content-Type field of every multipart/* or message/rfc822 part after the
//    `max_containers`-th is renamed X-Rtcc-Capped-Content-Type (the part becomes a leaf),
// or nullopt when nothing needs to change (the usual case: no copy is made). Bodies are never
// changed, long lines in them included (unwrapped base64 is common).
std::optional<std::string> LimitMimeShape(std::string_view raw, const MimeShapeLimits& limits = {});

// mimetic ends a header at the first line that is neither a field nor a folded continuation, so
// a message saved from an mbox (its first line "From sender date", RFC 4155) or with one stray
// malformed line before From: would have no sender, no subject and its header read as body.
// Returns a copy of `raw` without the mbox line, without each such line of the top header
// that has a field after it (before the empty line), and without blanks before a first field
// (" From: ..."), or nullopt when there is none of these. A first line
// that no field follows is left alone: it starts a message without a header. Linear in the size
// of the header.
std::optional<std::string> RepairTopHeader(std::string_view raw);

}  // namespace rtcc::mail
