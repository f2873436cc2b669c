#include "testing/hostile_mail.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string_view>

#include "testing/base64.h"

namespace rtcc::testing {
namespace {

constexpr std::size_t kKB = 1024;
constexpr std::size_t kMB = 1024 * 1024;

// The fields of an ordinary request, so that a message from an allowed sender goes as far into
// the casework as it can.
const std::string kFields = "Incident Type: Robbery\r\nPurpose: suspect\r\n";

// `unit` repeated until the result holds at least `bytes` bytes.
std::string Repeat(std::string_view unit, std::size_t bytes) {
  std::string out;
  out.reserve(bytes + unit.size());
  while (out.size() < bytes) out.append(unit);
  return out;
}

// `unit` repeated `count` times.
std::string Times(std::string_view unit, std::size_t count) {
  std::string out;
  out.reserve(unit.size() * count);
  for (std::size_t i = 0; i < count; ++i) out.append(unit);
  return out;
}

// Folds `words` into header continuation lines of about 76 characters.
std::string Fold(const std::vector<std::string>& words) {
  std::string out;
  std::size_t column = 0;
  for (const auto& w : words) {
    if (column > 0 && column + w.size() > 76) {
      out += "\r\n";
      column = 0;
    }
    out += ' ';
    out += w;
    column += w.size() + 1;
  }
  return out;
}

std::uint32_t Crc32(std::string_view bytes) {
  static const auto kTable = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) c = kTable[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

void PutBigEndian32(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>((v >> 16) & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
  out += static_cast<char>(v & 0xff);
}

std::string PngChunk(std::string_view type, std::string_view data) {
  std::string out;
  PutBigEndian32(out, static_cast<std::uint32_t>(data.size()));
  std::string body = std::string(type) + std::string(data);
  out += body;
  PutBigEndian32(out, Crc32(body));
  return out;
}

// A PNG that declares 60000 x 60000 RGB pixels (10.8 GB decoded) but carries a few hundred bytes
// of pixel data: a decoder that allocates what the header declares is bombed.
std::string PixelBombPng(bool with_end = true) {
  std::string out = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  PutBigEndian32(ihdr, 60000);
  PutBigEndian32(ihdr, 60000);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, no filter, no interlace
  out += PngChunk("IHDR", ihdr);
  // A zlib stream of one stored block of 256 zero bytes (the first rows' filter bytes and pixels).
  std::string raw(256, '\0');
  std::string z = "\x78\x01";
  z += '\x01';  // final stored block
  z += static_cast<char>(raw.size() & 0xff);
  z += static_cast<char>(raw.size() >> 8);
  z += static_cast<char>(~raw.size() & 0xff);
  z += static_cast<char>((~raw.size() >> 8) & 0xff);
  z += raw;
  std::uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  PutBigEndian32(z, (b << 16) | a);
  out += PngChunk("IDAT", z);
  if (with_end) out += PngChunk("IEND", "");
  return out;
}

// A baseline JPEG header declaring 60000 x 60000 pixels, 3 components, with a few bytes of scan.
std::string PixelBombJpeg() {
  std::string out("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20);
  out += std::string("\xff\xdb\x00\x43\x00", 5) + std::string(64, '\x01');
  out += std::string("\xff\xc0\x00\x11\x08\xea\x60\xea\x60\x03\x01\x11\x00\x02\x11\x00\x03\x11\x00",
                     19);
  out += std::string("\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00", 14);
  out += std::string(512, '\x55');
  out += "\xff\xd9";
  return out;
}

// A tiny JPEG-shaped file (JFIF header, a comment carrying `tag`, end of image): sniffed as
// image/jpeg, distinct for each tag, never decodable as a photo.
std::string TinyJpeg(const std::string& tag) {
  std::string out("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20);
  std::string comment = "rtcc hostile " + tag;
  std::size_t len = comment.size() + 2;
  out += "\xff\xfe";
  out += static_cast<char>(len >> 8);
  out += static_cast<char>(len & 0xff);
  out += comment;
  out += "\xff\xd9";
  return out;
}

struct Context {
  std::string from;        // addr-spec
  std::string message_id;  // without brackets
};

// The first header fields, always readable: From, To, Message-ID, Date. Then `rest` (the hostile
// fields, Subject included unless `subject` is given).
std::string Head(const Context& c, const std::string& subject, const std::string& rest = "",
                 const std::string& from_name = "Hostile Test") {
  std::string out = "From: " + from_name + " <" + c.from +
                    ">\r\nTo: RTCC <rtcc@pd.test>\r\nMessage-ID: <" + c.message_id +
                    ">\r\nDate: Wed, 25 Nov 2026 10:00:00 -0500\r\n";
  if (!subject.empty()) out += "Subject: " + subject + "\r\n";
  return out + rest + "MIME-Version: 1.0\r\n";
}

// A one-part text/plain message.
std::string Plain(const Context& c, const std::string& subject, const std::string& encoding,
                  const std::string& body, const std::string& extra_fields = "",
                  const std::string& content_type = "text/plain; charset=utf-8") {
  return Head(c, subject, extra_fields) + "Content-Type: " + content_type +
         "\r\nContent-Transfer-Encoding: " + encoding + "\r\n\r\n" + body;
}

// A multipart/mixed message of a text part (the fields) and one attachment part whose header
// fields after Content-Type are `part_fields`, and whose base64 body is `bytes`.
std::string WithAttachment(const Context& c, const std::string& subject,
                           const std::string& part_type, const std::string& part_fields,
                           std::string_view bytes, const std::string& head_rest = "") {
  return Head(c, subject, head_rest) +
         "Content-Type: multipart/mixed; boundary=\"=-hostile\"\r\n\r\n"
         "--=-hostile\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
         kFields + "\r\n--=-hostile\r\nContent-Type: " + part_type + "\r\n" + part_fields +
         "Content-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(bytes) + "--=-hostile--\r\n";
}

// --- the generators -------------------------------------------------------------------------

std::string PlainLongLine(const Context& c) {
  return Plain(c, "FR request", "8bit", kFields + Repeat("abcdefghijklmnopqrstuvwxyz", 8 * kMB));
}

std::string QuotedPrintableLongLine(const Context& c) {
  // "café " and "=" escapes on one 8 MB line: no soft line break anywhere.
  return Plain(c, "FR request", "quoted-printable",
               "Incident Type: Robbery=0D=0APurpose: suspect=0D=0A" +
                   Repeat("caf=C3=A9 =3D=20", 8 * kMB) + "\r\n");
}

std::string Base64OneDecodedLine(const Context& c) {
  return Plain(c, "FR request", "base64",
               Base64Lines(kFields + Repeat("suspect robbery ", 6 * kMB)));
}

std::string Base64OneEncodedLine(const Context& c) {
  std::string text = kFields;
  while (text.size() < 6 * kMB) text += "Notes: the suspect left northbound on foot.\r\n";
  return Plain(c, "FR request", "base64", Base64Lines(text, 0) + "\r\n");
}

// The message of the original report: about 80 KB, a text/plain body in base64 that decodes to
// one line of 60,000 spaces followed by "x" (std::regex overflowed the stack on it).
std::string ReportedSixtyThousandSpaces(const Context& c) {
  return Plain(c, "FR request", "base64", Base64Lines(std::string(60000, ' ') + "x"));
}

std::string SubjectOneMegabyteLine(const Context& c) {
  return Plain(c, "FR " + Repeat("suspect ", kMB), "7bit", kFields);
}

std::string SubjectOneMegabyteFolded(const Context& c) {
  std::vector<std::string> words(kMB / 8, "suspect");
  return Plain(c, "FR" + Fold(words), "7bit", kFields);
}

std::string HeaderFourMegabyteLine(const Context& c) {
  return Plain(c, "FR request", "7bit", kFields,
               "X-Hostile: " + Repeat("0123456789abcdef", 4 * kMB) + "\r\n");
}

std::string HeaderFolding100000Lines(const Context& c) {
  std::string to = "To: RTCC <rtcc@pd.test>";
  to.reserve(3 * kMB);
  for (int i = 0; i < 100000; ++i) to += ",\r\n a" + std::to_string(i) + "@pd.test";
  return Plain(c, "FR request", "7bit", kFields, "Cc" + to.substr(2) + "\r\n");
}

std::string HeaderFields100000(const Context& c) {
  std::string fields;
  for (int i = 0; i < 100000; ++i)
    fields += "X-Field-" + std::to_string(i) + ": value " + std::to_string(i) + "\r\n";
  return Plain(c, "FR request", "7bit", kFields, fields);
}

std::string AuthenticationResults10000(const Context& c) {
  std::string fields;
  for (int i = 0; i < 10000; ++i)
    fields += "Authentication-Results: mx" + std::to_string(i) +
              ".pd.test; dkim=pass header.d=pd.test; dmarc=pass header.from=pd.test; "
              "spf=pass smtp.mailfrom=" +
              c.from + "\r\n";
  return Plain(c, "FR request", "7bit", kFields, fields);
}

std::string FilenameRfc2231Segments(const Context& c) {
  std::string disposition = "Content-Disposition: attachment";
  std::string type_name;
  for (int i = 0; i < 10000; ++i) {
    std::string n = std::to_string(i);
    std::string seg = i == 0 ? "utf-8''probe%C3%A9" : "%E2%82%AC" + n;
    disposition += ";\r\n filename*" + n + "*=" + seg;
    type_name += ";\r\n name*" + n + "*=" + seg;
  }
  return WithAttachment(c, "FR request", "image/jpeg" + type_name, disposition + "\r\n",
                        TinyJpeg("rfc2231"));
}

std::string FilenameOneMegabyte(const Context& c) {
  std::string name = Repeat("probe-photo-", kMB) + ".jpg";
  return WithAttachment(c, "FR request", "image/jpeg; name=\"" + name + "\"",
                        "Content-Disposition: attachment; filename=\"" + name + "\"\r\n",
                        TinyJpeg("long name"));
}

std::string Parts10000Text(const Context& c) {
  std::string out = Head(c, "FR request") + "Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n";
  out += "--p\r\nContent-Type: text/plain\r\n\r\n" + kFields;
  for (int i = 1; i < 10000; ++i)
    out +=
        "--p\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nline " + std::to_string(i) + "\r\n";
  return out + "--p--\r\n";
}

std::string Parts10000Images(const Context& c) {
  std::string out = Head(c, "FR request") + "Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n";
  out += "--p\r\nContent-Type: text/plain\r\n\r\n" + kFields;
  for (int i = 1; i < 10000; ++i) {
    std::string n = std::to_string(i);
    out += "--p\r\nContent-Type: image/jpeg; name=\"p" + n +
           ".jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(TinyJpeg(n));
  }
  return out + "--p--\r\n";
}

// `depth` multiparts, each inside the one before, the fields in the innermost.
std::string NestedMultipart(const Context& c, int depth) {
  std::string out = Head(c, "FR request");
  out.reserve(static_cast<std::size_t>(depth) * 80);
  for (int i = 0; i < depth; ++i) {
    std::string b = "n" + std::to_string(i);
    out += "Content-Type: multipart/mixed; boundary=" + b + "\r\n\r\n--" + b + "\r\n";
  }
  out += "Content-Type: text/plain\r\n\r\n" + kFields;
  for (int i = depth - 1; i >= 0; --i) out += "--n" + std::to_string(i) + "--\r\n";
  return out;
}

std::string NestedMultipart1000(const Context& c) { return NestedMultipart(c, 1000); }
std::string NestedMultipart100000(const Context& c) { return NestedMultipart(c, 100000); }

std::string NestedRfc822(const Context& c) {
  std::string out = Head(c, "FR request");
  for (int i = 0; i < 1000; ++i)
    out += "Content-Type: message/rfc822\r\n\r\nFrom: layer" + std::to_string(i) +
           "@pd.test\r\nSubject: Fwd: layer " + std::to_string(i) + "\r\nMIME-Version: 1.0\r\n";
  return out + "Content-Type: text/plain\r\n\r\n" + kFields;
}

std::string NulInBody(const Context& c) {
  static constexpr char kNulFields[] = "Incident\0 Type: Robbery\r\nPurpose: sus\0pect\r\n";
  std::string body = std::string(kNulFields, sizeof kNulFields - 1) + kFields +
                     std::string(kMB, '\0') + "\r\n" + Repeat(std::string_view("a\0", 2), kMB) +
                     "\r\n";
  return Plain(c, "FR request", "8bit", body);
}

std::string NulInHeaders(const Context& c) {
  const std::string nul(1, '\0');
  return Head(c, "FR" + nul + " request" + nul,
              "X-Nul: " + nul + nul + "value" + nul + "\r\nKeywords: a" + nul + "b\r\n") +
         "Content-Type: multipart/mixed; boundary=\"b" + nul + "x\"\r\n\r\n--b" + nul +
         "x\r\nContent-Type: text/plain; charset=\"utf" + nul + "8\"\r\n\r\n" + kFields +
         "\r\n--b" + nul + "x\r\nContent-Type: image/jpeg; name=\"pro" + nul +
         "be.jpg\"\r\nContent-Disposition: attachment; filename=\"pro" + nul +
         "be.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(TinyJpeg("nul")) +
         "--b" + nul + "x--\r\n";
}

// Overlong, surrogate, truncated, 5-byte, 0xFF/0xFE and lone continuation sequences.
const std::string kBadUtf8 = "\xc0\xaf \xed\xa0\x80 \xe2\x82 \xf8\x88\x80\x80\x80 \xff\xfe \x80";

std::string InvalidUtf8Raw(const Context& c) {
  std::string head = "From: " + kBadUtf8 + " <" + c.from + ">\r\nTo: " + kBadUtf8 +
                     " <rtcc@pd.test>\r\nMessage-ID: <" + c.message_id +
                     ">\r\nDate: Wed, 25 Nov 2026 10:00:00 -0500\r\nSubject: FR " + kBadUtf8 +
                     "\r\nMIME-Version: 1.0\r\n";
  return head +
         "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
         "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
         "Incident Type: Robbery " +
         kBadUtf8 + "\r\nPurpose: suspect " + kBadUtf8 + "\r\nIncident Number: " + kBadUtf8 +
         "\r\n" + Repeat(kBadUtf8, 256 * kKB) + "\r\n--b\r\nContent-Type: image/jpeg; name=\"" +
         kBadUtf8 + ".jpg\"\r\nContent-Disposition: attachment; filename=\"" + kBadUtf8 +
         ".jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(TinyJpeg("utf8")) +
         "--b--\r\n";
}

std::string InvalidUtf8EncodedWords(const Context& c) {
  std::string bad_b = "=?utf-8?B?" + Base64Lines(kBadUtf8, 0) + "?=";
  std::string bad_q = "=?UTF-8?Q?=C0=AF=ED=A0=80=E2=82=F8=88=80=80=80=FF=FE=80?=";
  std::string bogus = "=?x-no-such-charset?B?" + Base64Lines(kBadUtf8, 0) + "?=";
  std::string head = "From: " + bad_b + " " + bad_q + " <" + c.from +
                     ">\r\nTo: RTCC <rtcc@pd.test>\r\nMessage-ID: <" + c.message_id +
                     ">\r\nDate: Wed, 25 Nov 2026 10:00:00 -0500\r\nSubject: " + bad_b + " " +
                     bad_q + " " + bogus + "\r\nMIME-Version: 1.0\r\n";
  return head +
         "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
         "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         Base64Lines(kFields + "Notes: " + kBadUtf8 + "\r\n") +
         "--b\r\nContent-Type: text/plain; charset=\"\xff\xfe-bogus\"\r\n\r\n" + kBadUtf8 +
         "\r\n--b\r\nContent-Type: image/jpeg; name=\"" + bad_b +
         "\"\r\nContent-Disposition: attachment; filename*=utf-8''%C0%AF%ED%A0%80%FF%FE.jpg\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" +
         Base64Lines(TinyJpeg("encoded words")) + "--b--\r\n";
}

std::string ReFwd100000(const Context& c) {
  return Plain(c, Times("Re: Fwd: ", 100000) + "FR request", "7bit", kFields);
}

std::string ProhibitedPhraseOneLine(const Context& c) {
  return Plain(c, "FR request", "8bit", kFields + Repeat("tracking ", 10 * kMB) + "\r\n");
}

std::string ProhibitedPhraseLines(const Context& c) {
  std::string line = Times("live feed ", 7) + "\r\n";
  return Plain(c, "FR request", "8bit", kFields + Repeat(line, 10 * kMB));
}

std::string PixelBombPngPart(const Context& c) {
  return WithAttachment(c, "FR request", "image/png; name=\"probe.png\"",
                        "Content-Disposition: attachment; filename=\"probe.png\"\r\n",
                        PixelBombPng());
}

std::string PixelBombJpegPart(const Context& c) {
  return WithAttachment(c, "FR request", "image/jpeg; name=\"probe.jpg\"",
                        "Content-Disposition: attachment; filename=\"probe.jpg\"\r\n",
                        PixelBombJpeg());
}

// The pixel-bomb PNG header, then one unbroken base64 run of 'A's (10 MB, 7.5 MB of zeros).
std::string Base64RunOfAs(const Context& c) {
  std::string png = PixelBombPng(false);
  png.resize(png.size() / 3 * 3);  // no padding before the run
  return Head(c, "FR request") +
         "Content-Type: multipart/mixed; boundary=\"=-hostile\"\r\n\r\n"
         "--=-hostile\r\nContent-Type: text/plain\r\n\r\n" +
         kFields +
         "--=-hostile\r\nContent-Type: image/png; name=\"probe.png\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" +
         Base64Lines(png, 0) + std::string(10 * kMB, 'A') + "\r\n--=-hostile--\r\n";
}

std::string References100000(const Context& c) {
  std::string refs = "References:";
  refs.reserve(10 * kMB);
  for (int i = 0; i < 100000; ++i) {
    // Half are shaped as rtcc's own reply tokens (forged: the HMAC is wrong).
    char buf[128];
    if (i % 2 == 0)
      std::snprintf(buf, sizeof buf, "\r\n <rtcc.RTCC-2026-%06d.%024x.%032x@pd.test>", i % 1000000,
                    i, i);
    else
      std::snprintf(buf, sizeof buf, "\r\n <ref-%d@outside.test>", i);
    refs += buf;
  }
  std::string reply_to = "In-Reply-To:";
  for (int i = 0; i < 10000; ++i) reply_to += " <irt-" + std::to_string(i) + "@outside.test>";
  return Plain(c, "Re: FR request", "7bit", "Outcome: positive identification\r\n" + kFields,
               refs + "\r\n" + reply_to + "\r\n");
}

std::string LongLabelledValues(const Context& c) {
  std::string body =
      "Incident Type: " + Repeat("Robbery ", kMB) + "\r\n" + "Purpose: " + Repeat("suspect ", kMB) +
      "\r\nOutcome: " + Repeat("positive identification ", kMB) +
      "\r\nIncident Number: " + Repeat("2026-000123", kMB) + "\r\nNotes: " + Repeat("tall ", kMB) +
      "\r\n" + Repeat("Purpose:", kMB) + "\r\n";
  return Plain(c, "FR request", "8bit", body);
}

std::string BoundaryLikeLines(const Context& c) {
  // After every line starting with "--", a part header may begin: each is followed by a long
  // header-looking line and near-miss boundaries.
  std::string body;
  body.reserve(11 * kMB);
  const std::string header_like =
      "Content-Type: multipart/mixed; boundary=\"" + std::string(900, 'q') + "\"\r\n";
  for (int i = 0; body.size() < 10 * kMB; ++i) {
    switch (i % 6) {
      case 0:
        body += "--\r\n";
        break;
      case 1:
        body += "--b-\r\n";
        break;
      case 2:
        body += "--bb\r\n" + header_like;
        break;
      case 3:
        body += "-- b\r\n";
        break;
      case 4:
        body += "--b--x\r\n" + header_like;
        break;
      default:
        body += "--B\r\n";
        break;
    }
  }
  return Head(c, "FR request") +
         "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
         "Content-Type: text/plain\r\n\r\n" +
         kFields + body + "--b--\r\n";
}

std::string HtmlNestedDivs(const Context& c) {
  return Plain(c, "FR request", "8bit",
               "<html><body>" + Times("<div>", 1000000) +
                   "<p>Incident Type: Robbery</p><p>Purpose: suspect</p>" + Times("</div>", 1000) +
                   "\r\n",
               "", "text/html; charset=utf-8");
}

std::string HtmlUnclosedRuns(const Context& c) {
  std::string body =
      "<html><body><table><tr><td>Incident Type</td><td>Robbery</td></tr>"
      "<tr><td>Purpose</td><td>suspect</td></tr>" +
      Times("<table><tr><td>Purpose", 100000) + Times("&#x41;&amp;", 200000) +
      std::string(kMB, '<') + "<!-- " + Repeat("comment ", kMB) + "<a href=\"" +
      Repeat("x", 2 * kMB) + "\r\n";
  return Plain(c, "FR request", "8bit", body, "", "text/html; charset=utf-8");
}

std::string FlowedOneParagraph(const Context& c) {
  std::string body = kFields;
  while (body.size() < 10 * kMB) body += "the suspect walked north on Main Street and \r\n";
  return Plain(c, "FR request", "8bit", body + "end.\r\n", "",
               "text/plain; charset=utf-8; format=flowed; delsp=no");
}

std::string EncodedWords100000(const Context& c) {
  std::string subject = "FR";
  for (int i = 0; i < 100000; ++i) subject += " =?utf-8?B?c3VzcGVjdA==?=";
  std::string name;
  for (int i = 0; i < 4000; ++i) name += "=?utf-8?Q?Det=C3=A9?= ";
  return Head(c, subject, "", name) +
         "Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + kFields;
}

std::string DeliveryReport100000(const Context& c) {
  std::string status = "Reporting-MTA: dns; mx.outside.test\r\n";
  status.reserve(10 * kMB);
  for (int i = 0; i < 100000; ++i)
    status += "\r\nFinal-Recipient: rfc822; r" + std::to_string(i) +
              "@outside.test\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550\r\n";
  return Head(c, "Undelivered Mail Returned to Sender",
              "Return-Path: <>\r\nAuto-Submitted: "
              "auto-replied\r\n") +
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n"
         "--r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
         "--r\r\nContent-Type: message/delivery-status\r\n\r\n" +
         status +
         "--r\r\nContent-Type: message/rfc822\r\n\r\nFrom: rtcc@pd.test\r\n"
         "Message-ID: <rtcc.RTCC-2026-000001.000000000000000000000000."
         "00000000000000000000000000000000@pd.test>\r\nSubject: x\r\n\r\nbody\r\n--r--\r\n";
}

std::string ContentTypeParameters100000(const Context& c) {
  std::string type = "text/plain; charset=utf-8";
  type.reserve(2 * kMB);
  for (int i = 0; i < 100000; ++i) type += ";\r\n p" + std::to_string(i) + "=v";
  return Plain(c, "FR request", "7bit", kFields, "", type);
}

std::string BoundaryOneMegabyte(const Context& c) {
  std::string b = Repeat("0123456789", kMB);
  return Head(c, "FR request") + "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" +
         b + "\r\nContent-Type: text/plain\r\n\r\n" + kFields + "--" + b +
         "\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         Base64Lines(TinyJpeg("boundary")) + "--" + b + "--\r\n";
}

std::string MixedLineEnds(const Context& c) {
  // Bare CR, bare LF, CRLF and LFCR everywhere, and a million bare CRs in the body.
  return "From: Hostile Test <" + c.from + ">\nTo: RTCC <rtcc@pd.test>\r\nMessage-ID: <" +
         c.message_id +
         ">\r\nDate: Wed, 25 Nov 2026 10:00:00 -0500\n\rSubject: FR\rrequest\r\n"
         "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nIncident Type: Robbery\r"
         "Purpose: suspect\n\r" +
         std::string(kMB, '\r') + "\n" + Repeat("\n\r", kMB);
}

std::string HeaderWithoutEnd(const Context& c) {
  // No empty line, no line end: the message is one header whose last field is 1 MB long.
  return "From: Hostile Test <" + c.from + ">\r\nMessage-ID: <" + c.message_id +
         ">\r\nSubject: FR request\r\nX-Unterminated: " + Repeat("a", kMB);
}

std::string QuotedPrintableBrokenEscapes(const Context& c) {
  // Every escape malformed ("=", "=Z", "=\r" at the end), 8 MB, one line.
  return Plain(c, "FR request", "quoted-printable",
               kFields + Repeat("=Z=4=\t= =GG=", 8 * kMB) + "=");
}

using Builder = std::string (*)(const Context&);

struct Entry {
  const char* name;
  const char* what;
  Builder build;
};

const std::vector<Entry>& Corpus() {
  static const std::vector<Entry> kCorpus = {
      {"report-60000-spaces",
       "the original report: 80 KB, base64 text/plain decoding to 60,000 spaces then 'x'",
       ReportedSixtyThousandSpaces},
      {"plain-long-line", "8bit text/plain body with one 8 MB line", PlainLongLine},
      {"qp-long-line", "quoted-printable body, one 8 MB line without soft line breaks",
       QuotedPrintableLongLine},
      {"qp-broken-escapes", "quoted-printable, 8 MB of malformed escapes on one line",
       QuotedPrintableBrokenEscapes},
      {"base64-one-decoded-line", "base64 body (76 columns) decoding to one 6 MB line",
       Base64OneDecodedLine},
      {"base64-one-encoded-line", "base64 body written as one 8 MB line", Base64OneEncodedLine},
      {"subject-1mb-line", "a 1 MB Subject on one line", SubjectOneMegabyteLine},
      {"subject-1mb-folded", "a 1 MB Subject folded over 14,000 lines", SubjectOneMegabyteFolded},
      {"header-4mb-line", "a 4 MB header field on one line", HeaderFourMegabyteLine},
      {"header-folding-100000", "a Cc field folded over 100,000 lines (100,000 addresses)",
       HeaderFolding100000Lines},
      {"header-fields-100000", "100,000 distinct header fields", HeaderFields100000},
      {"auth-results-10000", "10,000 Authentication-Results fields claiming dkim=pass",
       AuthenticationResults10000},
      {"filename-rfc2231-10000", "an image whose filename and name are 10,000 RFC 2231 segments",
       FilenameRfc2231Segments},
      {"filename-1mb", "an image whose plain quoted filename and name are 1 MB",
       FilenameOneMegabyte},
      {"parts-10000-text", "multipart/mixed with 10,000 text/plain parts", Parts10000Text},
      {"parts-10000-images", "multipart/mixed with 9,999 distinct tiny JPEG parts",
       Parts10000Images},
      {"nesting-multipart-1000", "multipart/mixed nested 1,000 deep", NestedMultipart1000},
      {"nesting-multipart-100000", "multipart/mixed nested 100,000 deep (7 MB)",
       NestedMultipart100000},
      {"nesting-rfc822-1000", "message/rfc822 nested 1,000 deep", NestedRfc822},
      {"nul-body", "NUL bytes in the fields and 2 MB of NULs in an 8bit body", NulInBody},
      {"nul-headers", "NUL bytes in Subject, header fields, boundary, charset and filename",
       NulInHeaders},
      {"utf8-invalid-raw",
       "raw invalid UTF-8 in From name, To, Subject, fields, body (256 KB) and filename",
       InvalidUtf8Raw},
      {"utf8-invalid-encoded-words",
       "invalid UTF-8 inside RFC 2047 words (From, Subject, name), RFC 2231, bogus charsets",
       InvalidUtf8EncodedWords},
      {"re-fwd-100000", "100,000 'Re: Fwd: ' prefixes in the Subject", ReFwd100000},
      {"phrase-tracking-10mb", "10 MB of 'tracking ' (a prohibited phrase) on one line",
       ProhibitedPhraseOneLine},
      {"phrase-live-feed-10mb", "10 MB of 'live feed ' (a prohibited phrase) in 72-column lines",
       ProhibitedPhraseLines},
      {"pixel-bomb-png", "a PNG declaring 60000x60000 pixels in a few hundred bytes",
       PixelBombPngPart},
      {"pixel-bomb-jpeg", "a JPEG header declaring 60000x60000 pixels", PixelBombJpegPart},
      {"base64-a-run", "pixel-bomb PNG header then a 10 MB base64 run of 'A' on one line",
       Base64RunOfAs},
      {"references-100000", "References of 100,000 msg-ids (half forged reply tokens)",
       References100000},
      {"labelled-values-1mb", "Incident Type, Purpose, Outcome, Incident Number, Notes of 1 MB",
       LongLabelledValues},
      {"boundary-like-lines", "10 MB of near-miss boundary lines, each opening a header",
       BoundaryLikeLines},
      {"html-nested-divs", "HTML-only body of 1,000,000 nested <div>s", HtmlNestedDivs},
      {"html-unclosed-runs", "HTML-only: 100,000 unclosed tables, 1 MB of '<', unclosed comment",
       HtmlUnclosedRuns},
      {"flowed-10mb-paragraph", "format=flowed text: one 10 MB paragraph of soft line breaks",
       FlowedOneParagraph},
      {"encoded-words-100000", "100,000 RFC 2047 words in Subject, 4,000 in the From name",
       EncodedWords100000},
      {"delivery-report-100000", "a delivery report with 100,000 recipient blocks",
       DeliveryReport100000},
      {"content-type-params-100000", "a Content-Type with 100,000 parameters",
       ContentTypeParameters100000},
      {"boundary-1mb", "a 1 MB multipart boundary", BoundaryOneMegabyte},
      {"mixed-line-ends", "bare CR, bare LF, LFCR line ends and 1 MB of bare CRs", MixedLineEnds},
      {"header-without-end", "a header with no empty line and a 1 MB unterminated last field",
       HeaderWithoutEnd},
  };
  return kCorpus;
}

}  // namespace

std::string HostileMessageId(const std::string& name, const std::string& from) {
  std::string sender = from;
  for (char& ch : sender)
    if (ch == '@') ch = '.';
  return "hostile." + name + "." + sender + "@rtcc-tests.invalid";
}

std::vector<std::string> HostileMessageNames() {
  std::vector<std::string> names;
  for (const auto& e : Corpus()) names.push_back(e.name);
  return names;
}

HostileMessage BuildHostileMessage(const std::string& name, const std::string& from) {
  for (const auto& e : Corpus()) {
    if (name != e.name) continue;
    Context c{from, HostileMessageId(name, from)};
    return {e.name, e.what, c.message_id, e.build(c)};
  }
  throw std::invalid_argument("no hostile message named " + name);
}

std::vector<HostileMessage> HostileMessages(const std::string& from) {
  std::vector<HostileMessage> out;
  for (const auto& e : Corpus()) out.push_back(BuildHostileMessage(e.name, from));
  return out;
}

}  // namespace rtcc::testing
