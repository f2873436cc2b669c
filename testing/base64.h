// Base64 for messages built by tests (mimetic's codec: nothing hand-written).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rtcc::testing {

// Base64 of `bytes` in lines of `line_length` characters, each (the last one too) ended by `eol`;
// line_length 0: one line, without an end.
std::string Base64Lines(std::string_view bytes, std::size_t line_length = 76,
                        std::string_view eol = "\r\n");

// The bytes `text` (Base64, line breaks allowed) stands for.
std::string FromBase64(std::string_view text);

}  // namespace rtcc::testing
