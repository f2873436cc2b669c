#include "mail/mime_message.h"

#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>
#include <mimetic/codec/qp.h>
#include <mimetic/mimetic.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <memory>

#include "mail/charset.h"
#include "mail/encoded_words.h"

namespace rtcc::mail {
namespace {

// Deeper nesting than this is not a real mail client's work; its parts are ignored.
constexpr int kMaxDepth = 32;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string FieldValue(const mimetic::MimeEntity& e, const std::string& name) {
  const auto& h = e.header();
  return h.hasField(name) ? Trim(h.field(name).value()) : std::string();
}

// Text bodies are kept with '\n' line ends, whatever the wire used.
std::string ToLf(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
  return out;
}

std::vector<std::uint8_t> DecodedBody(const mimetic::MimeEntity& e) {
  const std::string& body = e.body();
  std::string mechanism = Lower(e.header().contentTransferEncoding().mechanism());
  std::vector<std::uint8_t> out;
  out.reserve(body.size());
  if (mechanism == "base64") {
    mimetic::Base64::Decoder decoder;
    mimetic::decode(body.begin(), body.end(), decoder, std::back_inserter(out));
  } else if (mechanism == "quoted-printable") {
    mimetic::QP::Decoder decoder;
    mimetic::decode(body.begin(), body.end(), decoder, std::back_inserter(out));
  } else {
    out.assign(body.begin(), body.end());
  }
  return out;
}

std::string FileName(const mimetic::MimeEntity& e) {
  std::string name = e.header().contentDisposition().param("filename");
  if (name.empty()) name = e.header().contentType().param("name");
  return DecodeEncodedWords(name);
}

void Walk(const mimetic::MimeEntity& e, int depth, MimeMessage& msg) {
  if (depth > kMaxDepth) return;
  const auto& ct = e.header().contentType();
  std::string type = Lower(ct.type());
  std::string subtype = Lower(ct.subtype());
  if (type.empty()) {  // RFC 2045 section 5.2: default is text/plain
    type = "text";
    subtype = "plain";
  }
  const auto& parts = e.body().parts();
  if (!parts.empty()) {  // multipart/*, and message/rfc822 whose inner message mimetic exposes
    for (const mimetic::MimeEntity* child : parts) Walk(*child, depth + 1, msg);
    return;
  }
  bool attachment = Lower(e.header().contentDisposition().type()) == "attachment";
  if (type == "image") {
    Attachment a;
    a.filename = FileName(e);
    a.content_type = type + "/" + subtype;
    a.content_id = Trim(FieldValue(e, "Content-ID"));
    if (a.content_id.size() > 1 && a.content_id.front() == '<' && a.content_id.back() == '>')
      a.content_id = a.content_id.substr(1, a.content_id.size() - 2);
    a.data = DecodedBody(e);
    if (!a.data.empty()) msg.images.push_back(std::move(a));
  } else if (type == "text" && subtype == "plain" && !attachment && msg.text_body.empty()) {
    auto bytes = DecodedBody(e);
    msg.text_body =
        ToLf(ToUtf8(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                    ct.param("charset")));
  }
}

}  // namespace

std::vector<std::string> ParseMessageIds(std::string_view value) {
  std::vector<std::string> ids;
  std::size_t pos = 0;
  while ((pos = value.find('<', pos)) != std::string_view::npos) {
    auto end = value.find('>', pos);
    if (end == std::string_view::npos) break;
    std::string id = Trim(value.substr(pos + 1, end - pos - 1));
    if (!id.empty()) ids.push_back(std::move(id));
    pos = end + 1;
  }
  // A bare id without brackets (seen from some clients).
  if (ids.empty()) {
    std::string bare = Trim(value);
    if (!bare.empty() && bare.find(' ') == std::string::npos) ids.push_back(bare);
  }
  return ids;
}

MimeMessage ParseMimeMessage(std::string_view raw) {
  MimeMessage msg;
  mimetic::MimeEntity entity(raw.begin(), raw.end());
  const auto& h = entity.header();

  if (!h.from().empty()) {
    const mimetic::Mailbox& mb = h.from().front();
    std::string mailbox = mb.mailbox();
    std::string domain = mb.domain();
    msg.from_address = Lower(domain.empty() ? mailbox : mailbox + "@" + domain);
    msg.from_name = Trim(DecodeEncodedWords(mb.label()));
    if (msg.from_name.size() >= 2 && msg.from_name.front() == '"' && msg.from_name.back() == '"')
      msg.from_name = msg.from_name.substr(1, msg.from_name.size() - 2);
  }
  msg.to = DecodeEncodedWords(FieldValue(entity, "To"));
  msg.subject = Trim(DecodeEncodedWords(FieldValue(entity, "Subject")));
  msg.date = FieldValue(entity, "Date");
  auto ids = ParseMessageIds(FieldValue(entity, "Message-ID"));
  if (!ids.empty()) msg.message_id = ids.front();
  auto reply_ids = ParseMessageIds(FieldValue(entity, "In-Reply-To"));
  if (!reply_ids.empty()) msg.in_reply_to = reply_ids.front();
  msg.references = ParseMessageIds(FieldValue(entity, "References"));
  msg.auto_submitted = Lower(FieldValue(entity, "Auto-Submitted"));
  msg.precedence = Lower(FieldValue(entity, "Precedence"));
  msg.return_path = FieldValue(entity, "Return-Path");

  Walk(entity, 0, msg);
  return msg;
}

}  // namespace rtcc::mail
