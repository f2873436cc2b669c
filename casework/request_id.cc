#include "casework/request_id.h"

#include <cstdio>

#include "base/pattern.h"

namespace rtcc::casework {

std::string FormatRequestId(int year, int sequence) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "RTCC-%04d-%06d", year, sequence);
  return buf;
}

std::optional<std::string> FindRequestTag(std::string_view subject) {
  static const auto kTag =
      base::CompilePattern(R"(\[(RTCC-\d{4}-\d{6})\])", base::Case::kInsensitive);
  std::string id;
  if (!RE2::PartialMatch(re2::StringPiece(subject.data(), subject.size()), *kTag, &id))
    return std::nullopt;
  for (char& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return id;
}

bool IsRequestId(std::string_view text) {
  static const auto kId = base::CompilePattern(R"(RTCC-\d{4}-\d{6})");
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *kId);
}

}  // namespace rtcc::casework
