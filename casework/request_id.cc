#include "casework/request_id.h"

#include <cstdio>
#include <regex>

namespace rtcc::casework {

std::string FormatRequestId(int year, int sequence) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "RTCC-%04d-%06d", year, sequence);
  return buf;
}

std::optional<std::string> FindRequestTag(std::string_view subject) {
  static const std::regex kTag(R"(\[(RTCC-\d{4}-\d{6})\])", std::regex::icase);
  std::string s(subject);
  std::smatch m;
  if (!std::regex_search(s, m, kTag)) return std::nullopt;
  std::string id = m[1].str();
  for (char& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return id;
}

bool IsRequestId(std::string_view text) {
  static const std::regex kId(R"(RTCC-\d{4}-\d{6})");
  return std::regex_match(std::string(text), kId);
}

}  // namespace rtcc::casework
