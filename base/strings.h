// Small string helpers every folder uses. ASCII only: case and blanks of protocol text (header
// names, labels, charset names), never of a person's words in other scripts.
#pragma once

#include <string>
#include <string_view>

namespace rtcc::base {

// `s` with ASCII letters in lower case; other bytes unchanged.
std::string Lower(std::string_view s);

// `s` without the leading and trailing characters of `blanks`.
std::string_view TrimView(std::string_view s, std::string_view blanks = " \t\r\n");
inline std::string Trim(std::string_view s, std::string_view blanks = " \t\r\n") {
  return std::string(TrimView(s, blanks));
}

// `value` with `decimals` digits after the point, "C" locale: Fixed(0.1894, 3) -> "0.189".
std::string Fixed(double value, int decimals);

}  // namespace rtcc::base
