// Building the RFC 5322 text of a message rtcc sends: a UTF-8 text/plain body (quoted-printable),
// threading headers, and the RFC 3834 marker that keeps auto-responders from answering it.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace rtcc::mail {

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
};

// The complete message with CRLF line ends and a Date of now.
std::string BuildMessage(const OutgoingMessage& msg);

// A new globally unique msg-id "<random>.<local>@<domain>" (no brackets) for `domain`.
std::string NewMessageId(const std::string& local, const std::string& domain);

}  // namespace rtcc::mail
