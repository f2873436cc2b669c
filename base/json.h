// JSON output through nlohmann-json (Debian nlohmann-json3-dev): rtccctl's --json and the audit's
// JSON report build a Json value and write it with JsonText; nothing in rtcc writes JSON by hand.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace rtcc::base {

// Objects keep their members in the order they were added (what a reader of the output expects).
using Json = nlohmann::ordered_json;

// `value` as one line of JSON (RFC 8259). Never throws on text that is not UTF-8 (it may have come
// with a mail): each ill-formed sequence is written as U+FFFD.
std::string JsonText(const Json& value);

// `value` as a JSON string, or null when it is absent.
Json JsonOrNull(const std::optional<std::string>& value);

}  // namespace rtcc::base
