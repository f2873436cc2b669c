#include "casework/request_id.h"

#include <gtest/gtest.h>

namespace rtcc::casework {
namespace {

TEST(RequestId, FormatsAndFindsTags) {
  EXPECT_EQ(FormatRequestId(2026, 1), "RTCC-2026-000001");
  EXPECT_EQ(FindRequestTag("Re: photo [RTCC-2026-000042] results"), "RTCC-2026-000042");
  EXPECT_EQ(FindRequestTag("RE: [rtcc-2026-000007]"), "RTCC-2026-000007");
  EXPECT_FALSE(FindRequestTag("RTCC-2026-000042 without brackets").has_value());
  EXPECT_FALSE(FindRequestTag("[RTCC-2026-42]").has_value());
  EXPECT_TRUE(IsRequestId("RTCC-2026-000001"));
  EXPECT_FALSE(IsRequestId("RTCC-2026-000001; DROP TABLE"));
}

}  // namespace
}  // namespace rtcc::casework
