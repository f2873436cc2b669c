#include "mail/mime_message.h"

#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>
#include <mimetic/codec/qp.h>
#include <mimetic/mimetic.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <memory>
#include <optional>
#include <streambuf>

#include "base/strings.h"
#include "mail/charset.h"
#include "mail/content_sniffer.h"
#include "mail/encoded_words.h"
#include "mail/html_text.h"
#include "mail/mime_limits.h"
#include "mail/rfc2231.h"

namespace rtcc::mail {
namespace {

// Deeper nesting than this is not a real mail client's work; its parts are ignored.
constexpr int kMaxDepth = 32;

using base::Lower;
using base::Trim;

std::string FieldValue(const mimetic::MimeEntity& e, const std::string& name) {
  const auto& h = e.header();
  return h.hasField(name) ? Trim(h.field(name).value()) : std::string();
}

bool HasEmptyLine(std::string_view raw) {
  return raw.rfind("\n", 0) == 0 || raw.rfind("\r\n", 0) == 0 ||
         raw.find("\n\n") != std::string_view::npos || raw.find("\n\r\n") != std::string_view::npos;
}

// A read-only std::streambuf over memory, so that mimetic reads the message through
// std::istreambuf_iterator, as an input iterator. With random-access iterators (a string's)
// mimetic switches to another body parser, which finds boundaries anywhere in a line (not only at
// its start) and, when a part is one line-end character long, computes its length as -1 and
// throws std::length_error (found by fuzz/; MimeMessage.MimeticRandomAccessParserIsNotUsed).
class MemoryStreamBuf : public std::streambuf {
 public:
  explicit MemoryStreamBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());  // never written: no put area, no putback
    setg(p, p, p + s.size());
  }
};

// Parses `raw` with mimetic, after removing the shapes it cannot take (mime_limits.h). mimetic
// drops the last header field when the input ends inside the header (a header-only message, a
// text/rfc822-headers part), so such input gets the empty line that ends a header.
std::unique_ptr<mimetic::MimeEntity> ParseEntity(std::string_view raw) {
  std::optional<std::string> repaired = RepairTopHeader(raw);
  if (repaired) raw = *repaired;
  std::optional<std::string> copy = LimitMimeShape(raw);
  if (!raw.empty() && !HasEmptyLine(copy ? std::string_view(*copy) : raw)) {
    if (!copy) copy.emplace(raw);
    *copy += copy->back() == '\n' ? "\r\n" : "\r\n\r\n";
  }
  MemoryStreamBuf buffer(copy ? std::string_view(*copy) : raw);
  std::istreambuf_iterator<char> begin(&buffer);
  std::istreambuf_iterator<char> end;
  return std::make_unique<mimetic::MimeEntity>(begin, end);
}

// Text bodies are kept with '\n' line ends, whatever the wire used.
std::string ToLf(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
  return out;
}

// RFC 3676 section 4.2: a line that ends in a space is continued by the next line of the same
// quote depth ("> " quoting); the signature separator "-- " never flows; a leading space is
// space-stuffing and goes; with DelSp=yes the trailing space goes too.
std::string Unflow(std::string_view text, bool delsp) {
  std::vector<std::string> lines;
  std::string paragraph;
  int paragraph_depth = -1;  // quote depth of the open paragraph; -1: none
  auto close = [&] {
    if (paragraph_depth < 0) return;
    lines.push_back(std::string(paragraph_depth, '>') + (paragraph_depth > 0 ? " " : "") +
                    paragraph);
    paragraph.clear();
    paragraph_depth = -1;
  };
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    int depth = 0;
    while (static_cast<std::size_t>(depth) < line.size() && line[depth] == '>') ++depth;
    line.remove_prefix(depth);
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    bool flowed = !line.empty() && line.back() == ' ' && line != "-- ";
    if (paragraph_depth >= 0 && depth != paragraph_depth) close();
    paragraph_depth = depth;
    if (flowed && delsp) line.remove_suffix(1);
    paragraph += line;
    if (!flowed) close();
  }
  close();
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  if (!text.empty() && text.back() == '\n') out += '\n';
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

std::string_view AsText(const std::vector<std::uint8_t>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The Content-Type parameters as mimetic split them (it keeps no raw Content-Type), in the form
// DecodeParameter reads. mimetic leaves quoting backslashes in place.
std::vector<HeaderParameter> ContentTypeParameters(const mimetic::ContentType& ct) {
  std::vector<HeaderParameter> out;
  for (const auto& p : ct.paramList()) {
    std::string value;
    const std::string& v = p.value();
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '\\' && i + 1 < v.size() && (v[i + 1] == '"' || v[i + 1] == '\\')) ++i;
      value += v[i];
    }
    out.push_back({Lower(std::string(p.name().begin(), p.name().end())), std::move(value)});
  }
  return out;
}

// A file name as it may be shown: no directory part (old Outlook and webmail send
// "C:\Users\...\photo.jpg"), no control characters, trimmed.
std::string CleanFileName(std::string name) {
  auto slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name = name.substr(slash + 1);
  std::string out;
  for (unsigned char c : name)
    if (c >= 0x20 && c != 0x7F) out += static_cast<char>(c);
  return Trim(out);
}

std::string FileName(const ParameterizedField& disposition, const mimetic::ContentType& ct) {
  std::optional<std::string> name = DecodeParameter(disposition.parameters, "filename");
  if (!name || name->empty()) name = DecodeParameter(ContentTypeParameters(ct), "name");
  return CleanFileName(name.value_or(""));
}

struct MediaType {
  std::string type;
  std::string subtype;
  std::string full() const { return type + "/" + subtype; }
};

MediaType TypeOf(const mimetic::MimeEntity& e) {
  const auto& ct = e.header().contentType();
  MediaType t{Lower(Trim(ct.type())), Lower(Trim(ct.subtype()))};
  if (t.type.empty()) t = {"text", "plain"};  // RFC 2045 section 5.2
  return t;
}

// Parts that are part of the structure, not something the sender attached.
bool IsStructural(const MediaType& t) {
  static const char* const kTypes[] = {"application/pkcs7-signature",
                                       "application/x-pkcs7-signature", "application/pgp-signature",
                                       "application/pgp-encrypted", "application/applefile"};
  std::string full = t.full();
  return std::any_of(std::begin(kTypes), std::end(kTypes),
                     [&](const char* k) { return full == k; });
}

void AddIds(std::vector<std::string>& ids, std::string_view value) {
  for (auto& id : ParseMessageIds(value))
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
}

class Walker {
 public:
  explicit Walker(MimeMessage& msg) : msg_(msg) {}

  void Walk(const mimetic::MimeEntity& e, int depth, bool forwarded) {
    if (depth > kMaxDepth) return;
    MediaType t = TypeOf(e);
    const auto& parts = e.body().parts();
    if (!parts.empty()) {  // multipart/*, and message/rfc822 whose inner message mimetic exposes
      if (t.type == "multipart" && t.subtype == "report" && depth == 0) {
        Report(e);
        return;
      }
      bool inner = forwarded || t.type == "message";
      for (const mimetic::MimeEntity* child : parts) Walk(*child, depth + 1, inner);
      return;
    }
    if (t.type == "multipart") return;  // no boundary found: nothing in it is readable
    Leaf(e, t, forwarded);
  }

  void Finish() {
    std::string text;
    for (const auto& part : plain_) {
      if (!text.empty() && text.back() != '\n') text += '\n';
      text += part;
    }
    if (Trim(text).empty() && html_) {
      msg_.text_body = ToLf(HtmlToText(AsText(html_->first), html_->second));
      msg_.text_from_html = true;
    } else {
      msg_.text_body = std::move(text);
    }
  }

 private:
  void Leaf(const mimetic::MimeEntity& e, const MediaType& t, bool forwarded) {
    ParameterizedField disposition = ParseParameterizedField(FieldValue(e, "Content-Disposition"));
    const auto& ct = e.header().contentType();
    std::string filename = FileName(disposition, ct);
    if (t.type == "text" && filename.empty() && disposition.value != "attachment") {
      // Body text, and its alternatives (text/html, text/calendar, text/watch-html, ...): never
      // an attachment. A forwarded message's text is not the sender's.
      if (forwarded) return;
      if (t.subtype == "plain") {
        auto bytes = DecodedBody(e);
        std::string text = ToLf(ToUtf8(AsText(bytes), ct.param("charset")));
        if (Lower(Trim(ct.param("format"))) == "flowed")
          text = Unflow(text, Lower(Trim(ct.param("delsp"))) == "yes");
        plain_.push_back(std::move(text));
      } else if (t.subtype == "html" && !html_) {
        html_.emplace(DecodedBody(e), Trim(ct.param("charset")));
      }
      return;
    }
    if (IsStructural(t)) return;
    Attachment a;
    a.filename = std::move(filename);
    a.declared_type = t.full();
    a.disposition = disposition.value;
    a.content_id = FieldValue(e, "Content-ID");
    if (a.content_id.size() > 1 && a.content_id.front() == '<' && a.content_id.back() == '>')
      a.content_id = Trim(a.content_id.substr(1, a.content_id.size() - 2));
    std::vector<std::uint8_t> data = DecodedBody(e);
    a.size = data.size();
    a.content_type = SniffMimeType(data);
    if (IsRasterImageType(a.content_type)) {
      a.data = std::move(data);
      msg_.images.push_back(std::move(a));
    } else {
      msg_.other_attachments.push_back(std::move(a));
    }
  }

  // multipart/report (RFC 6522): the first part is the human-readable text; the others describe
  // the original message, whose Message-ID is what the daemon needs. They are not attachments.
  void Report(const mimetic::MimeEntity& e) {
    msg_.report_type = Lower(Trim(e.header().contentType().param("report-type")));
    msg_.is_delivery_report = msg_.report_type == "delivery-status";
    const auto& parts = e.body().parts();
    bool first = true;
    for (const mimetic::MimeEntity* part : parts) {
      if (first) {
        Walk(*part, 1, false);
        first = false;
        continue;
      }
      MediaType pt = TypeOf(*part);
      std::string full = pt.full();
      if (full == "message/rfc822" && !part->body().parts().empty()) {
        AddIds(msg_.reported_message_ids, FieldValue(*part->body().parts().front(), "Message-ID"));
      } else if (full == "text/rfc822-headers" || full == "message/rfc822-headers" ||
                 full == "message/global-headers" || full == "message/global" ||
                 full == "message/rfc822") {
        auto bytes = DecodedBody(*part);
        auto headers = ParseEntity(AsText(bytes));
        AddIds(msg_.reported_message_ids, FieldValue(*headers, "Message-ID"));
      } else if (msg_.is_delivery_report &&
                 (full == "message/delivery-status" || full == "message/global-delivery-status")) {
        ReadDeliveryStatus(*part);
      } else if (full == "message/disposition-notification" ||
                 full == "message/global-disposition-notification") {
        auto bytes = DecodedBody(*part);
        auto fields = ParseEntity(AsText(bytes));
        AddIds(msg_.reported_message_ids, FieldValue(*fields, "Original-Message-ID"));
      }
    }
  }

  // RFC 3464: a per-message block, then one block per recipient, each shaped like a header and
  // separated by empty lines. The blocks are cut at the empty lines by a plain scan and each is
  // read alone as a header, so the work is linear in the part (reading each block as the header
  // of an entity whose body was all the blocks after it cost 200 copies of a 10 MB part: 10 s).
  void ReadDeliveryStatus(const mimetic::MimeEntity& part) {
    constexpr std::size_t kMaxRecipients = 100;
    constexpr int kMaxBlocks = 2 * kMaxRecipients;  // bounds the work on any input
    auto bytes = DecodedBody(part);
    std::string_view text = AsText(bytes);
    bool per_message = true;
    std::size_t pos = 0;
    for (int blocks = 0; blocks < kMaxBlocks && msg_.delivery_statuses.size() < kMaxRecipients;
         ++blocks) {
      pos = text.find_first_not_of("\r\n", pos);  // the empty lines between blocks
      if (pos == std::string_view::npos) break;
      std::size_t end = std::min(text.find("\n\n", pos), text.find("\n\r\n", pos));
      std::string_view block =
          text.substr(pos, end == std::string_view::npos ? end : end + 1 - pos);
      pos = end == std::string_view::npos ? text.size() : end + 1;
      if (Trim(block).empty()) continue;
      auto fields = ParseEntity(block);
      if (per_message) {  // Reporting-MTA, Arrival-Date...
        per_message = false;
        continue;
      }
      DeliveryStatus s;
      s.recipient = AfterType(FieldValue(*fields, "Final-Recipient"));
      if (s.recipient.empty()) s.recipient = AfterType(FieldValue(*fields, "Original-Recipient"));
      s.action = Lower(FieldValue(*fields, "Action"));
      s.status = FieldValue(*fields, "Status");
      s.diagnostic = AfterType(FieldValue(*fields, "Diagnostic-Code"));
      if (s.recipient.empty() && s.action.empty() && s.status.empty()) continue;
      msg_.delivery_statuses.push_back(std::move(s));
    }
  }

  // "rfc822; det@pd.test" -> "det@pd.test"; "smtp; 550 5.1.1 ..." -> "550 5.1.1 ...".
  // Folded lines are joined, every run of white space becomes one space.
  static std::string AfterType(const std::string& value) {
    std::string v;
    for (char c : value) {
      bool space = c == '\r' || c == '\n' || c == '\t' || c == ' ';
      if (!space)
        v += c;
      else if (!v.empty() && v.back() != ' ')
        v += ' ';
    }
    auto semi = v.find(';');
    return semi == std::string::npos ? Trim(v) : Trim(std::string_view(v).substr(semi + 1));
  }

  MimeMessage& msg_;
  std::vector<std::string> plain_;
  std::optional<std::pair<std::vector<std::uint8_t>, std::string>> html_;  // bytes, charset
};

}  // namespace

std::string_view HeaderSection(std::string_view raw) {
  if (raw.rfind("\r\n", 0) == 0) return raw.substr(0, 2);
  if (raw.rfind("\n", 0) == 0) return raw.substr(0, 1);
  std::size_t end = raw.find("\n\n");
  std::size_t crlf = raw.find("\n\r\n");
  if (crlf < end) return raw.substr(0, crlf + 3);
  return end == std::string_view::npos ? raw : raw.substr(0, end + 2);
}

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

std::vector<std::string> MessageIdsIn(std::string_view text, std::size_t max_ids) {
  constexpr std::size_t kMaxIdLength = 250;
  std::vector<std::string> ids;
  std::size_t pos = 0;
  while (ids.size() < max_ids && (pos = text.find('<', pos)) != std::string_view::npos) {
    std::size_t end = pos + 1;
    bool at = false;
    while (end < text.size() && end - pos <= kMaxIdLength + 1) {
      char c = text[end];
      if (c == '>' || c == '<' || c == ' ' || c == '\t' || c == '\r' || c == '\n') break;
      at = at || c == '@';
      ++end;
    }
    if (end < text.size() && text[end] == '>' && at && end > pos + 1 &&
        end - pos - 1 <= kMaxIdLength) {
      std::string id(text.substr(pos + 1, end - pos - 1));
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
      pos = end + 1;
    } else {
      pos = end > pos + 1 ? end : pos + 1;  // every byte is looked at a bounded number of times
    }
  }
  return ids;
}

MimeMessage ParseMimeMessage(std::string_view raw) {
  MimeMessage msg;
  msg.raw_size = raw.size();
  std::unique_ptr<mimetic::MimeEntity> parsed = ParseEntity(raw);
  const mimetic::MimeEntity& entity = *parsed;
  const auto& h = entity.header();

  // Raw 8-bit header text that is not UTF-8 is read in the message's declared charset.
  const std::string charset = h.contentType().param("charset");
  // addr-spec in lower case and the display name, decoded, of a mailbox.
  auto read_mailbox = [&charset](const mimetic::Mailbox& mb, std::string& address,
                                 std::string& name) {
    std::string mailbox = mb.mailbox();
    std::string domain = mb.domain();
    address = Lower(domain.empty() ? mailbox : mailbox + "@" + domain);
    name = Trim(DecodeEncodedWords(mb.label(), charset));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
      name = name.substr(1, name.size() - 2);
  };
  if (!h.from().empty()) read_mailbox(h.from().front(), msg.from_address, msg.from_name);
  for (const auto& address : h.replyto()) {
    if (address.isGroup()) continue;
    read_mailbox(address.mailbox(), msg.reply_to_address, msg.reply_to_name);
    break;
  }
  msg.to = DecodeEncodedWords(FieldValue(entity, "To"), charset);
  msg.subject = Trim(DecodeEncodedWords(FieldValue(entity, "Subject"), charset));
  msg.date = FieldValue(entity, "Date");
  auto ids = ParseMessageIds(FieldValue(entity, "Message-ID"));
  if (!ids.empty()) msg.message_id = ids.front();
  auto reply_ids = ParseMessageIds(FieldValue(entity, "In-Reply-To"));
  if (!reply_ids.empty()) msg.in_reply_to = reply_ids.front();
  msg.references = ParseMessageIds(FieldValue(entity, "References"));
  msg.auto_submitted = Lower(FieldValue(entity, "Auto-Submitted"));
  msg.precedence = Lower(FieldValue(entity, "Precedence"));
  msg.return_path = FieldValue(entity, "Return-Path");
  msg.x_auto_response_suppress = Lower(FieldValue(entity, "X-Auto-Response-Suppress"));
  for (const char* name :
       {"X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-MS-Exchange-Generated-Message-Source"}) {
    if (entity.header().hasField(name)) {
      msg.vendor_auto_reply_field = name;
      break;
    }
  }
  if (std::string list = FieldValue(entity, "List-Id"); !list.empty()) {
    auto open = list.rfind('<');
    auto close = list.rfind('>');
    msg.list_id = Lower(open != std::string::npos && close != std::string::npos && close > open
                            ? Trim(std::string_view(list).substr(open + 1, close - open - 1))
                            : list);
  }
  for (const auto& field : h) {
    if (field.name() != "Authentication-Results") continue;  // mimetic compares names caselessly
    std::string value;
    for (char c : field.value())  // mimetic unfolds; stray line ends become spaces
      value += (c == '\r' || c == '\n') ? ' ' : c;
    msg.authentication_results.push_back(Trim(value));
  }

  Walker walker(msg);
  walker.Walk(entity, 0, false);
  walker.Finish();
  return msg;
}

}  // namespace rtcc::mail
