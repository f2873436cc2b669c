// Well-formed UTF-8 (RFC 3629 section 4: no overlong forms, no surrogates, nothing above
// U+10FFFF): what every text rtcc stores, shows or sends must be.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rtcc::base {

// The length of the well-formed UTF-8 sequence at the start of `s`, or 0 (also for empty `s`).
std::size_t Utf8SequenceLength(std::string_view s);

bool IsUtf8(std::string_view s);

// `s` with every byte that does not start a well-formed sequence replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view s);

}  // namespace rtcc::base
