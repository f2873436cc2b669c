#include "mail/encoded_words.h"

#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>
#include <mimetic/codec/qp.h>

#include <iterator>
#include <regex>

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

}  // namespace

std::string DecodeEncodedWords(std::string_view value) {
  static const std::regex kWord(R"(=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=)");
  std::string in(value);
  std::string out;
  auto begin = std::sregex_iterator(in.begin(), in.end(), kWord);
  std::size_t last = 0;
  bool previous_was_word = false;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    std::string between = in.substr(last, m.position() - last);
    bool only_space = between.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!(previous_was_word && only_space)) out += ToUtf8(between, "");
    out += DecodeWord(m[1].str(), m[2].str()[0], m[3].str());
    last = m.position() + m.length();
    previous_was_word = true;
  }
  out += ToUtf8(in.substr(last), "");
  return out;
}

std::string EncodeHeaderValue(std::string_view utf8) {
  bool plain = true;
  for (unsigned char c : utf8)
    if (c < 0x20 || c > 0x7E) plain = false;
  if (plain) return std::string(utf8);
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
