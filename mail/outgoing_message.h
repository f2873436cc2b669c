// Building the RFC 5322 text of a message rtcc sends: a UTF-8 text/plain body (quoted-printable),
// optional file attachments (base64, in a multipart/mixed after the text), threading headers, and
// the RFC 3834 marker that keeps auto-responders from answering it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rtcc::mail {

// A file sent with a message, e.g. the JPEG crop of a searched face.
struct OutgoingAttachment {
  std::string filename;      // ASCII letters, digits, '.', '-', '_' only (e.g. "probe1-face2.jpg")
  std::string content_type;  // e.g. "image/jpeg"
  std::vector<std::uint8_t> data;
};

struct OutgoingMessage {
  std::string from;  // addr-spec, e.g. "rtcc@pd.example"
  std::string from_name;
  std::string to;                       // addr-spec
  std::string subject;                  // UTF-8; RFC 2047-encoded when needed
  std::string message_id;               // without angle brackets
  std::string in_reply_to;              // without angle brackets; may be empty
  std::vector<std::string> references;  // without angle brackets, oldest first
  std::string text_body;                // UTF-8, '\n' line ends
  // Extra header fields, e.g. {"Auto-Submitted", "auto-replied"}. Names and values are ASCII.
  std::vector<std::pair<std::string, std::string>> extra_headers;
  // In this order after the text; none: a single text/plain message.
  std::vector<OutgoingAttachment> attachments;
};

// The complete message with CRLF line ends and a Date of now. Throws std::invalid_argument on a
// line break in a header value, or an attachment whose file name or content type is empty or not
// of the characters allowed above.
std::string BuildMessage(const OutgoingMessage& msg);

// A new globally unique msg-id "<random>.<local>@<domain>" (no brackets) for `domain`.
std::string NewMessageId(const std::string& local, const std::string& domain);

}  // namespace rtcc::mail
