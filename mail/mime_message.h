// An incoming RFC 5322/MIME message as plain data: the headers rtcc acts on, the text body and the
// image attachments, all decoded (transfer encodings, RFC 2047 words, charsets -> UTF-8).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rtcc::mail {

struct Attachment {
  std::string filename;      // as sent, decoded; may be empty
  std::string content_type;  // lower case, e.g. "image/jpeg"
  std::string content_id;    // without angle brackets; set for inline images
  std::vector<std::uint8_t> data;
};

struct MimeMessage {
  std::string from_address;  // addr-spec of the first From mailbox, lower case ("a@b.org")
  std::string from_name;     // display name, decoded
  std::string to;            // the To field as written, decoded
  std::string subject;       // decoded
  std::string date;          // as written
  std::string message_id;    // without angle brackets; empty if absent
  std::string in_reply_to;   // first msg-id of In-Reply-To, without angle brackets
  std::vector<std::string> references;  // msg-ids of References, oldest first, without brackets
  std::string auto_submitted;           // RFC 3834 Auto-Submitted value, lower case ("" if absent)
  std::string precedence;               // Precedence value, lower case
  std::string return_path;              // Return-Path as written ("<>" for bounces)
  std::string text_body;                // the first text/plain part, UTF-8, '\n' line ends
  std::vector<Attachment> images;       // every image/* part, in message order
};

// Parses a raw message (CRLF or LF line ends). Never throws on malformed input: what cannot be
// read is left empty.
MimeMessage ParseMimeMessage(std::string_view raw);

// The msg-ids found in a header value such as References: "<a@b> <c@d>" -> {"a@b", "c@d"}.
std::vector<std::string> ParseMessageIds(std::string_view value);

}  // namespace rtcc::mail
