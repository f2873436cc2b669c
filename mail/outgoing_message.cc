#include "mail/outgoing_message.h"

#include <mimetic/codec/code.h>
#include <mimetic/codec/qp.h>
#include <openssl/rand.h>

#include <ctime>
#include <iterator>
#include <sstream>
#include <stdexcept>

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
  out << "MIME-Version: 1.0\r\n"
      << "Content-Type: text/plain; charset=UTF-8\r\n"
      << "Content-Transfer-Encoding: quoted-printable\r\n\r\n";

  // mimetic's QP encoder writes a final line break as "=0D=0A": encode without it, add it after.
  std::string body = ToCrlf(msg.text_body);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  std::string encoded;
  mimetic::QP::Encoder encoder;
  mimetic::encode(body.begin(), body.end(), encoder, std::back_inserter(encoded));
  out << ToCrlf(encoded) << "\r\n";
  return out.str();
}

}  // namespace rtcc::mail
