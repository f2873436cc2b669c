#include "casework/clock.h"

#include <cstdlib>

namespace rtcc::casework {

std::time_t Now() {
  static const std::time_t offset = [] {
    const char* v = std::getenv("RTCC_CLOCK_OFFSET_SECONDS");
    return v ? static_cast<std::time_t>(std::strtoll(v, nullptr, 10)) : std::time_t{0};
  }();
  return std::time(nullptr) + offset;
}

int CurrentYear() {
  std::time_t now = Now();
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

std::string FormatUtc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string UtcNow() { return FormatUtc(Now()); }

std::int64_t ParseUtc(const std::string& timestamp) {
  std::tm tm{};
  const char* end = strptime(timestamp.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end != '\0') return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace rtcc::casework
