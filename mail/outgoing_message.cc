#include "mail/outgoing_message.h"

#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>
#include <mimetic/codec/qp.h>
#include <openssl/rand.h>

#include <ctime>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "mail/encoded_words.h"

namespace rtcc::mail {
namespace {

std::string Rfc5322DateNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string ToCrlf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

void RequireHeaderSafe(const std::string& value, const char* what) {
  if (value.find_first_of("\r\n") != std::string::npos)
    throw std::invalid_argument(std::string("line break in outgoing header ") + what);
}

void RequireAttachmentSafe(const OutgoingAttachment& a) {
  auto plain = [](const std::string& v, const char* extra) {
    if (v.empty()) return false;
    for (char c : v) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view(extra).find(c) != std::string_view::npos;
      if (!ok) return false;
    }
    return true;
  };
  if (!plain(a.filename, ".-_") || a.filename.front() == '.')
    throw std::invalid_argument("attachment file name '" + a.filename +
                                "' is empty or not plain ASCII (letters, digits, . - _)");
  if (!plain(a.content_type, "/.-+") || a.content_type.find('/') == std::string::npos)
    throw std::invalid_argument("attachment content type '" + a.content_type + "' is not type/sub");
}

// A MIME boundary that cannot occur in the parts (RFC 2045 advice): quoted-printable writes '='
// only before two hex digits or a line end, base64 only as final padding, so "=_" never appears.
std::string NewBoundary() {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string b = "=_rtcc_";
  static const char* kHex = "0123456789abcdef";
  for (unsigned char x : bytes) {
    b += kHex[x >> 4];
    b += kHex[x & 15];
  }
  return b;
}

// The text part's header and body (quoted-printable), CRLF line ends, ending in CRLF.
std::string TextPart(const std::string& text_body) {
  std::string out =
      "Content-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  // mimetic's QP encoder writes a final line break as "=0D=0A": encode without it, add it after.
  std::string body = ToCrlf(text_body);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  std::string encoded;
  mimetic::QP::Encoder encoder;
  mimetic::encode(body.begin(), body.end(), encoder, std::back_inserter(encoded));
  return out + ToCrlf(encoded) + "\r\n";
}

std::string AttachmentPart(const OutgoingAttachment& a) {
  std::string out = "Content-Type: " + a.content_type + "; name=\"" + a.filename +
                    "\"\r\n"
                    "Content-Disposition: attachment; filename=\"" +
                    a.filename +
                    "\"\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n";
  std::string encoded;
  mimetic::Base64::Encoder encoder;  // lines of 76 characters
  mimetic::encode(a.data.begin(), a.data.end(), encoder, std::back_inserter(encoded));
  while (!encoded.empty() && (encoded.back() == '\n' || encoded.back() == '\r')) encoded.pop_back();
  return out + ToCrlf(encoded) + "\r\n";
}

}  // namespace

std::string NewMessageId(const std::string& local, const std::string& domain) {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  static const char* kHex = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id + "." + local + "@" + domain;
}

std::string BuildMessage(const OutgoingMessage& msg) {
  for (const auto& [v, name] : {std::pair{msg.from, "From"},
                                {msg.to, "To"},
                                {msg.message_id, "Message-ID"},
                                {msg.in_reply_to, "In-Reply-To"},
                                {msg.from_name, "From name"},
                                {msg.subject, "Subject"}})
    RequireHeaderSafe(v, name);

  std::ostringstream out;
  out << "Date: " << Rfc5322DateNow() << "\r\n";
  if (msg.from_name.empty())
    out << "From: <" << msg.from << ">\r\n";
  else
    out << "From: " << EncodeHeaderValue(msg.from_name) << " <" << msg.from << ">\r\n";
  out << "To: <" << msg.to << ">\r\n";
  out << "Subject: " << EncodeHeaderValue(msg.subject) << "\r\n";
  out << "Message-ID: <" << msg.message_id << ">\r\n";
  if (!msg.in_reply_to.empty()) out << "In-Reply-To: <" << msg.in_reply_to << ">\r\n";
  if (!msg.references.empty()) {
    out << "References:";
    for (const auto& r : msg.references) {
      RequireHeaderSafe(r, "References");
      out << " <" << r << ">";
    }
    out << "\r\n";
  }
  for (const auto& [name, value] : msg.extra_headers) {
    RequireHeaderSafe(name, "name");
    RequireHeaderSafe(value, name.c_str());
    out << name << ": " << value << "\r\n";
  }
  for (const auto& a : msg.attachments) RequireAttachmentSafe(a);
  out << "MIME-Version: 1.0\r\n";
  if (msg.attachments.empty()) {
    out << TextPart(msg.text_body);
    return out.str();
  }
  const std::string boundary = NewBoundary();
  out << "Content-Type: multipart/mixed; boundary=\"" << boundary << "\"\r\n\r\n"
      << "This is a MIME message: the text comes first, then the attached files.\r\n";
  // The line break before a boundary belongs to the boundary (RFC 2046 5.1.1): one more keeps
  // the text's last line break.
  out << "--" << boundary << "\r\n" << TextPart(msg.text_body) << "\r\n";
  for (const auto& a : msg.attachments) out << "--" << boundary << "\r\n" << AttachmentPart(a);
  out << "--" << boundary << "--\r\n";
  return out.str();
}

}  // namespace rtcc::mail
