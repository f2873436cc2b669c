// An incoming RFC 5322/MIME message as plain data: the headers rtcc acts on, the text body and the
// attachments, all decoded (transfer encodings, RFC 2047 words, RFC 2231 parameters, charsets ->
// UTF-8, HTML -> text) and every attachment's type sniffed from its bytes (libmagic).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rtcc::mail {

struct Attachment {
  std::string filename;      // decoded to UTF-8 (RFC 2231, RFC 2047), without any directory part
                             // or control characters; may be empty
  std::string content_type;  // sniffed from the bytes by libmagic, lower case: "image/jpeg"
  std::string content_id;    // without angle brackets; set for inline (multipart/related) images
  std::vector<std::uint8_t> data;  // the decoded bytes; always empty in other_attachments
  std::string declared_type;       // the Content-Type the sender wrote, lower case: "image/jpg"
  std::string disposition;         // "inline", "attachment" or "" (none written), lower case
  std::size_t size = 0;            // bytes after transfer decoding (also when data is dropped)
};

// One recipient's block of a delivery status notification (RFC 3464, message/delivery-status).
struct DeliveryStatus {
  std::string recipient;   // Final-Recipient (else Original-Recipient) without its "rfc822;" type
  std::string action;      // "failed", "delayed", "delivered", "relayed", "expanded"; lower case
  std::string status;      // "5.1.1"
  std::string diagnostic;  // Diagnostic-Code without its "smtp;" type: the remote server's words
};

struct MimeMessage {
  std::string from_address;  // addr-spec of the first From mailbox, lower case ("a@b.org")
  std::string from_name;     // display name, decoded
  // The first mailbox of Reply-To, lower case, and its display name, decoded ("" if absent).
  std::string reply_to_address;
  std::string reply_to_name;
  std::string to;                       // the To field as written, decoded
  std::string subject;                  // decoded
  std::string date;                     // as written
  std::string message_id;               // without angle brackets; empty if absent
  std::string in_reply_to;              // first msg-id of In-Reply-To, without angle brackets
  std::vector<std::string> references;  // msg-ids of References, oldest first, without brackets
  std::string auto_submitted;           // RFC 3834 Auto-Submitted value, lower case ("" if absent)
  std::string precedence;               // Precedence value, lower case
  std::string return_path;              // Return-Path as written ("<>" for bounces)
  // The sender's own text, UTF-8, '\n' line ends: its text/plain parts (several are joined, as
  // Apple Mail writes text / image / text), format=flowed lines rejoined (RFC 3676); when there
  // is no text/plain part with text, the text of its first text/html part (text_from_html).
  // Never the text of a forwarded (message/rfc822) or returned (delivery report) message.
  std::string text_body;
  bool text_from_html = false;
  // Every part whose bytes sniff as a raster image (image/* but svg), whatever it was declared as
  // (application/octet-stream, image/jpg, ...), forwarded messages' included, in message order.
  std::vector<Attachment> images;
  // Every other attachment (a part that is not body text): a PDF, a video, a part declared
  // image/* whose bytes are not an image ("corrupt image"), ... `data` is dropped to save memory:
  // filename, types and size remain. Signature parts (S/MIME, PGP, AppleDouble headers) and the
  // parts of a delivery report after its first are not listed.
  std::vector<Attachment> other_attachments;

  // Automatic mail, which must never be answered.
  std::string x_auto_response_suppress;  // X-Auto-Response-Suppress as written, lower case
  // The first present of the fields vendors put on the automatic replies they generate instead
  // of (or beside) RFC 3834's Auto-Submitted: X-Autoreply, X-Autorespond, X-Auto-Reply (vacation
  // programs, cPanel, Zimbra), X-MS-Exchange-Generated-Message-Source (Exchange's out-of-office
  // and rule replies); "" when none.
  std::string vendor_auto_reply_field;
  std::string list_id;              // the id inside List-Id's <>, lower case ("" if absent)
  std::string report_type;          // report-type of a top-level multipart/report, lower case:
                                    // "delivery-status" (DSN, RFC 3464), "disposition-notification"
                                    // (read receipt, RFC 8098), ...
  bool is_delivery_report = false;  // report_type == "delivery-status"
  // The Message-ID(s) of the original message a top-level multipart/report is about, from its
  // message/rfc822 or text/rfc822-headers part (Original-Message-ID of a read receipt), without
  // brackets, in order, no duplicates.
  std::vector<std::string> reported_message_ids;
  // The per-recipient blocks of the message/delivery-status part of a top-level delivery report
  // (is_delivery_report), in order (at most 100); empty for any other message.
  std::vector<DeliveryStatus> delivery_statuses;

  // Every Authentication-Results field value (RFC 8601), unfolded, topmost first; see
  // auth_results.h for reading them safely.
  std::vector<std::string> authentication_results;

  std::size_t raw_size = 0;  // bytes of the raw message as given
};

// Parses a raw message (CRLF or LF line ends). Never throws on malformed input: what cannot be
// read is left empty. Nested parts deeper than 32 levels are ignored; header fields longer than
// 128 KiB are cut and more than 256 nested containers are not opened (mime_limits.h), so that any
// input parses in linear time and bounded stack. Throws std::runtime_error only when libmagic
// cannot load its database (content_sniffer.h).
MimeMessage ParseMimeMessage(std::string_view raw);

// The header section of a raw message: everything up to and including the empty line that ends
// it (CRLF or LF), or all of `raw` when there is none. Parsing it alone (ParseMimeMessage reads a
// header-only message) reads the sender without reading a byte of the body.
std::string_view HeaderSection(std::string_view raw);

// The msg-ids found in a header value such as References: "<a@b> <c@d>" -> {"a@b", "c@d"}.
std::vector<std::string> ParseMessageIds(std::string_view value);

// The msg-ids written anywhere in `text` (a bounce's quoted header, a forwarded message): each
// "<local@domain>" without blanks, at most 250 characters inside the brackets, without brackets,
// in order, each once, at most `max_ids`. Linear in the length of `text`.
std::vector<std::string> MessageIdsIn(std::string_view text, std::size_t max_ids);

}  // namespace rtcc::mail
