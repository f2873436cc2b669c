// The casework clock: $RTCC_CLOCK_OFFSET_SECONDS moves every date the store writes, the year of a
// request id included (it used to read the system clock alone, so a simulation a year ahead filed
// requests under the wrong year).
#include "casework/clock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "casework/store.h"

namespace rtcc::casework {
namespace {

int YearOf(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

TEST(CaseworkClock, RequestIdsTakeTheYearOfTheCaseworkClock) {
  // The offset is read once per process: the check runs in a fresh one (re-executed).
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ::setenv("RTCC_CLOCK_OFFSET_SECONDS", "31622400", 1);  // 366 days ahead
        auto path = std::filesystem::temp_directory_path() /
                    ("rtcc-clock-" + std::to_string(::getpid()) + ".sqlite");
        std::filesystem::remove(path);
        int expected = YearOf(std::time(nullptr) + 31622400);
        int ok = 0;
        {
          Store store(path);
          NewRequest n;
          n.requestor = "det@pd.test";
          auto r = store.CreateRequest(n, "test");
          ok = r.id.rfind("RTCC-" + std::to_string(expected) + "-", 0) == 0 &&
               r.created_at.rfind(std::to_string(expected), 0) == 0;
        }
        for (const char* suffix : {"", "-wal", "-shm"})
          std::filesystem::remove(path.string() + suffix);
        std::exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(CaseworkClock, TimestampsRoundTripAndNonsenseReadsAsZero) {
  EXPECT_EQ(FormatUtc(1795000000), "2026-11-18T11:06:40Z");
  EXPECT_EQ(ParseUtc("2026-11-18T11:06:40Z"), 1795000000);
  const std::time_t now = Now();
  EXPECT_EQ(ParseUtc(FormatUtc(now)), now);
  for (const char* bad : {"", "2026-11-18", "2026-11-18T09:46:40", "2026-11-18T09:46:40Z junk"})
    EXPECT_EQ(ParseUtc(bad), 0) << bad;
  EXPECT_EQ(CurrentYear(), std::stoi(UtcNow().substr(0, 4)));
}

}  // namespace
}  // namespace rtcc::casework
