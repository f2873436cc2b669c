// Conversion of text in a declared charset to UTF-8 (iconv).
#pragma once

#include <string>
#include <string_view>

namespace rtcc::mail {

// Converts `text`, declared to be in `charset` (e.g. "ISO-8859-1", "Shift_JIS"; empty or unknown
// means US-ASCII/UTF-8), to well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or 5-byte
// sequences). Bytes that cannot be converted become U+FFFD; never throws.
// ISO-8859-1 is read as its superset windows-1252, as mail clients and browsers do; quotes,
// comments and an RFC 2231 language suffix around the name are ignored.
std::string ToUtf8(std::string_view text, std::string_view charset);

}  // namespace rtcc::mail
