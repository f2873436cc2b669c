// Conversion of text in a declared charset to UTF-8 (iconv).
#pragma once

#include <string>
#include <string_view>

namespace rtcc::mail {

// Converts `text`, declared to be in `charset` (e.g. "ISO-8859-1", "Shift_JIS"; empty or unknown
// means US-ASCII/UTF-8), to UTF-8. Bytes that cannot be converted become U+FFFD; never throws.
std::string ToUtf8(std::string_view text, std::string_view charset);

}  // namespace rtcc::mail
