// Patterns over text that came from outside (mail headers and bodies, file names, configured
// phrases applied to mail). They are RE2 patterns: matching takes time linear in the text and
// never recurses, so no input can overflow the stack or stall the daemon. std::regex is not used
// for such text: libstdc++'s matcher recurses once per character (GCC bug 86164), and one line of
// 60,000 spaces crashed rtccd (issue 9).
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string_view>

namespace rtcc::base {

enum class Case { kSensitive, kInsensitive };

// Compiles `pattern` for byte strings: Latin-1 semantics, so \s, \d, \w and \b are ASCII and any
// byte (invalid UTF-8 included) is one character; ^ and $ match at the ends of the text only.
// Throws std::invalid_argument naming the pattern and RE2's error when it does not compile.
std::unique_ptr<const RE2> CompilePattern(std::string_view pattern,
                                          Case letter_case = Case::kSensitive);

}  // namespace rtcc::base
