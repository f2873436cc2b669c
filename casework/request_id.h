// Request ids: "RTCC-<year>-<6-digit sequence>", carried in reply subjects as "[RTCC-2026-000001]".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rtcc::casework {

std::string FormatRequestId(int year, int sequence);

// The id in the first "[RTCC-yyyy-nnnnnn]" tag of `subject`, if any.
std::optional<std::string> FindRequestTag(std::string_view subject);

// True when `text` is a well-formed request id.
bool IsRequestId(std::string_view text);

}  // namespace rtcc::casework
