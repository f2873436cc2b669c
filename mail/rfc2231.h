// Parameters of MIME header fields (Content-Disposition, Content-Type) as clients really write
// them: RFC 2045 syntax with quoted strings and comments, RFC 2231 extended values
// (charset'language'percent-encoding) and continuations (filename*0*=...; filename*1*=...), and
// the RFC 2047 encoded words that Outlook and Gmail put inside quoted values. mimetic reads none of
// RFC 2231 (../shared/notes/mime.md); this is parameter syntax only: bytes go to iconv for
// charsets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtcc::mail {

struct HeaderParameter {
  std::string name;   // lower case, as written: "filename", "filename*", "filename*0*"
  std::string value;  // without the quotes and quoting backslashes; RFC 2231/2047 still encoded
};

struct ParameterizedField {
  std::string value;  // what precedes the first ';', lower case, trimmed: "attachment"
  std::vector<HeaderParameter> parameters;  // in the order written
};

// Splits a field value such as `attachment; filename="a;b.jpg"; size=10 (bytes)` into its leading
// value and parameters. Lenient: an unquoted value runs to the next ';' (spaces and all), an
// unterminated quoted string runs to the end, parameters without '=' are skipped.
ParameterizedField ParseParameterizedField(std::string_view field_value);

// The value of parameter `name` (case-insensitive), decoded to UTF-8:
//  - `name*` (RFC 2231 extended: charset'language'%XX) wins over everything else;
//  - then the continuations `name*0`/`name*0*`, `name*1`/`name*1*`, ... (up to the first missing
//    index), whose bytes are joined before the charset of `name*0*` is applied;
//  - then plain `name`, with any RFC 2047 encoded words decoded.
// The language tag is read and dropped. Invalid UTF-8 becomes U+FFFD. nullopt when absent.
std::optional<std::string> DecodeParameter(const std::vector<HeaderParameter>& parameters,
                                           std::string_view name);

}  // namespace rtcc::mail
