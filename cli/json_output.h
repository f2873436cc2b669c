// Tiny JSON writing helpers for rtccctl's --json output (flat objects and arrays of them).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtcc::cli {

// `text` as a JSON string literal, quotes included (casework::JsonEscape: RFC 8259 escapes,
// invalid UTF-8 replaced).
std::string JsonString(std::string_view text);
// JsonString(*value), or null.
std::string JsonOrNull(const std::optional<std::string>& value);

// {"k1":v1,"k2":v2}: values already JSON (JsonString, numbers, true/false/null, nested).
std::string JsonObject(const std::vector<std::pair<std::string, std::string>>& members);
// [v1,v2]: values already JSON.
std::string JsonArray(const std::vector<std::string>& items);

}  // namespace rtcc::cli
