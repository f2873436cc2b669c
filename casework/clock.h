// The casework clock: every date rtcc writes (created_at, decided_at, the year of a request id,
// reminders, retention) is read from Now(), so that one setting moves them all.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace rtcc::casework {

// The system time, moved by $RTCC_CLOCK_OFFSET_SECONDS when set (read once per process;
// simulations and tests of reminders and retention run days ahead with it).
std::time_t Now();
// The year of Now() (UTC).
int CurrentYear();
// "2026-11-25T14:30:05Z" of `t`, and of Now().
std::string FormatUtc(std::time_t t);
std::string UtcNow();
// Seconds since the epoch of a UtcNow() timestamp; 0 when it cannot be read.
std::int64_t ParseUtc(const std::string& timestamp);

}  // namespace rtcc::casework
