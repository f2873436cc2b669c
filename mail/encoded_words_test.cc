#include "mail/encoded_words.h"

#include <gtest/gtest.h>

#include "mail/charset.h"

namespace rtcc::mail {
namespace {

TEST(EncodedWords, DecodesQAndBInAnyCharset) {
  EXPECT_EQ(DecodeEncodedWords("=?ISO-8859-1?Q?Jos=E9_P=E9rez?="), "Jos\xC3\xA9 P\xC3\xA9rez");
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?B?Sm9zw6k=?= <j@x.org>"), "Jos\xC3\xA9 <j@x.org>");
  // Whitespace between adjacent encoded words disappears (RFC 2047 6.2), not elsewhere.
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?Q?a?= =?UTF-8?Q?b?= c"), "ab c");
  EXPECT_EQ(DecodeEncodedWords("plain subject"), "plain subject");
}

TEST(EncodedWords, EncodesNonAsciiAndRoundTrips) {
  EXPECT_EQ(EncodeHeaderValue("Re: request"), "Re: request");
  std::string subject =
      "Re: Solicitud de b\xC3\xBAsqueda \xE2\x80\x94 caf\xC3\xA9 [RTCC-2026-000001]";
  std::string encoded = EncodeHeaderValue(subject);
  EXPECT_NE(encoded.find("=?UTF-8?B?"), std::string::npos);
  EXPECT_EQ(DecodeEncodedWords(encoded), subject);
}

// Found by fuzz/text_fuzzer: a subject whose text is an encoded word (its sender encoded it
// twice) went out as written, and mail clients showed the reply with "[RTCC-2026-000009]" first.
TEST(EncodedWords, TextThatLooksEncodedIsEncodedToo) {
  std::string subject = "=?UTF-8?Q?=5BRTCC-2026-000009=5D?= Photo";
  std::string encoded = EncodeHeaderValue(subject);
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_EQ(DecodeEncodedWords(encoded), subject);
  EXPECT_EQ(EncodeHeaderValue("a=b?c ?= =x"), "a=b?c ?= =x");
}

TEST(EncodedWords, MalformedWordsStayAsWrittenAndLongInputIsSafe) {
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?X?abc?= =?UTF-8?Q?a b?= =?UTF-8?B?"),
            "=?UTF-8?X?abc?= =?UTF-8?Q?a b?= =?UTF-8?B?");
  EXPECT_EQ(DecodeEncodedWords("=?=?UTF-8?Q?a?="), "=?a");
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8*en?Q?caf=C3=A9?="), "caf\xC3\xA9");
  // std::regex overflowed the stack on a 100 kB word; this is a plain scan.
  std::string huge = "=?UTF-8?B?" + std::string(1'000'000, 'A') + "?=";
  EXPECT_EQ(DecodeEncodedWords(huge).size(), 750'000u);
  std::string unterminated = "=?UTF-8?B?" + std::string(1'000'000, 'A');
  EXPECT_EQ(DecodeEncodedWords(unterminated), unterminated);
  std::string many;
  for (int i = 0; i < 100'000; ++i) many += "=?";
  EXPECT_EQ(DecodeEncodedWords(many), many);
}

TEST(Charset, ConvertsToUtf8AndReplacesGarbage) {
  EXPECT_EQ(ToUtf8("caf\xE9", "iso-8859-1"), "caf\xC3\xA9");
  EXPECT_EQ(ToUtf8("\x93\xFA\x96\x7B", "Shift_JIS"), "\xE6\x97\xA5\xE6\x9C\xAC");  // 日本
  EXPECT_EQ(ToUtf8("a\xFF"
                   "b",
                   "utf-8"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToUtf8("abc", "no-such-charset"), "abc");
  // Outlook's "ISO-8859-1" with curly quotes and an en dash is windows-1252.
  EXPECT_EQ(ToUtf8("\x93suspect\x94 \x96 caf\xE9", "iso-8859-1"),
            "\xE2\x80\x9Csuspect\xE2\x80\x9D \xE2\x80\x93 caf\xC3\xA9");
  EXPECT_EQ(ToUtf8("caf\xE9", "\"ISO-8859-1\" (Latin)"), "caf\xC3\xA9");
  EXPECT_EQ(ToUtf8("\x93\xFA", " shift_jis "), "\xE6\x97\xA5");
}

TEST(Charset, OutputIsAlwaysWellFormedUtf8) {
  const std::string r = "\xEF\xBF\xBD";  // U+FFFD
  // Overlong NUL, a surrogate, above U+10FFFF, a truncated sequence.
  EXPECT_EQ(ToUtf8("\xC0\x80|\xED\xA0\x80|\xF4\x90\x80\x80|\xE2\x82", "utf-8"),
            r + r + "|" + r + r + r + "|" + r + r + r + r + "|" + r + r);
  EXPECT_EQ(ToUtf8("\xF0\x9F\x98\x80 \xE2\x82\xAC", "UTF-8"), "\xF0\x9F\x98\x80 \xE2\x82\xAC");
  // Found by fuzz/ (crash-09523fd8...): glibc reads "utf&8" as UTF-8 and copied a 5-byte
  // sequence through iconv unchecked.
  EXPECT_EQ(ToUtf8("a\xF9\xB9\xB9\xB9\xB9", "utf&8"), "a" + r + r + r + r + r);
  EXPECT_EQ(DecodeEncodedWords("=?utf&8?Q?=F9=B9=B9=B9=B9?="), r + r + r + r + r);
}

}  // namespace
}  // namespace rtcc::mail
