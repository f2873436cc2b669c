// RFC 2047 encoded words in header fields ("=?ISO-8859-1?Q?Jos=E9?="), which mimetic leaves as
// written: decoding incoming headers and encoding outgoing ones.
#pragma once

#include <string>
#include <string_view>

namespace rtcc::mail {

// Decodes every encoded word in `value` to UTF-8 (whitespace between two adjacent encoded words
// is dropped, as RFC 2047 section 6.2 requires). Malformed words are left as written. Raw 8-bit
// text outside the words (RFC 6532 allows UTF-8; older clients write their own charset) is kept
// when it is UTF-8, else read in `raw_charset` (the message's declared charset) when that is
// given and is not UTF-8, else as windows-1252: never turned into U+FFFD.
std::string DecodeEncodedWords(std::string_view value, std::string_view raw_charset = "");

// Returns `utf8` unchanged when it is printable ASCII without "=?", else one or more
// "=?UTF-8?B?...?=" words, so that DecodeEncodedWords (and any reader) gives `utf8` back.
std::string EncodeHeaderValue(std::string_view utf8);

}  // namespace rtcc::mail
