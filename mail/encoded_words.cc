#include "mail/encoded_words.h"

#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>
#include <mimetic/codec/qp.h>

#include <iterator>

#include "base/strings.h"
#include "base/utf8.h"
#include "mail/charset.h"

namespace rtcc::mail {
namespace {

std::string DecodeWord(const std::string& charset, char encoding, std::string text) {
  std::string bytes;
  if (encoding == 'B' || encoding == 'b') {
    mimetic::Base64::Decoder decoder;
    mimetic::decode(text.begin(), text.end(), decoder, std::back_inserter(bytes));
  } else {
    // RFC 2047 "Q": quoted-printable where '_' stands for a space.
    for (char& c : text)
      if (c == '_') c = ' ';
    mimetic::QP::Decoder decoder;
    mimetic::decode(text.begin(), text.end(), decoder, std::back_inserter(bytes));
  }
  // RFC 2231 allows a language suffix: "UTF-8*en".
  return ToUtf8(bytes, charset.substr(0, charset.find('*')));
}

// Reads the encoded word "=?charset?E?text?=" that starts at `pos` (RFC 2047 section 2; the
// charset may carry an RFC 2231 language: "UTF-8*en"). Plain string scanning, not std::regex,
// whose recursive matcher overflows the stack on long input.
bool ReadWord(std::string_view s, std::size_t pos, std::size_t& end, std::string& decoded) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t i = pos + 2;  // after "=?"
  std::size_t charset_begin = i;
  while (i < s.size() && s[i] != '?' && !is_space(s[i])) ++i;
  if (i == charset_begin || i + 2 >= s.size() || s[i] != '?') return false;
  char encoding = s[i + 1];
  if (s[i + 2] != '?' || (encoding != 'B' && encoding != 'b' && encoding != 'Q' && encoding != 'q'))
    return false;
  std::string charset(s.substr(charset_begin, i - charset_begin));
  std::size_t text_begin = i + 3;
  std::size_t j = text_begin;
  while (j < s.size() && s[j] != '?' && !is_space(s[j])) ++j;
  if (j + 1 >= s.size() || s[j] != '?' || s[j + 1] != '=') return false;
  decoded = DecodeWord(charset, encoding, std::string(s.substr(text_begin, j - text_begin)));
  end = j + 2;
  return true;
}

}  // namespace

std::string DecodeEncodedWords(std::string_view in, std::string_view raw_charset) {
  auto raw_text = [raw_charset](std::string_view text) {
    if (base::IsUtf8(text)) return std::string(text);
    std::string declared = base::Lower(base::Trim(raw_charset, " \t\""));
    bool usable =
        !declared.empty() && declared != "utf-8" && declared != "utf8" && declared != "us-ascii";
    return ToUtf8(text, usable ? std::string_view(declared) : "windows-1252");
  };
  std::string out;
  std::size_t last = 0;  // start of the text not yet copied
  bool previous_was_word = false;
  std::size_t pos = 0;
  while ((pos = in.find("=?", pos)) != std::string_view::npos) {
    std::size_t end = 0;
    std::string decoded;
    if (!ReadWord(in, pos, end, decoded)) {
      pos += 2;
      continue;
    }
    std::string_view between = in.substr(last, pos - last);
    bool only_space = between.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (!(previous_was_word && only_space)) out += raw_text(between);
    out += decoded;
    last = pos = end;
    previous_was_word = true;
  }
  out += raw_text(in.substr(last));
  return out;
}

std::string EncodeHeaderValue(std::string_view utf8) {
  bool plain = true;
  for (unsigned char c : utf8)
    if (c < 0x20 || c > 0x7E) plain = false;
  // Printable text with "=?" is encoded too: readers would decode an encoded word written in it.
  if (plain && utf8.find("=?") == std::string_view::npos) return std::string(utf8);
  // 45 input bytes -> 60 base64 characters: each encoded word stays under 75 characters
  // (RFC 2047 section 2). Cut only at UTF-8 character boundaries.
  std::string out;
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::size_t n = std::min<std::size_t>(45, utf8.size() - i);
    while (i + n < utf8.size() && (static_cast<unsigned char>(utf8[i + n]) & 0xC0) == 0x80) --n;
    std::string chunk(utf8.substr(i, n));
    std::string encoded;
    mimetic::Base64::Encoder encoder(0);  // 0: no line breaks
    mimetic::encode(chunk.begin(), chunk.end(), encoder, std::back_inserter(encoded));
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + encoded + "?=";
    i += n;
  }
  return out;
}

}  // namespace rtcc::mail
