#include "daemon/thread_token.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rtcc::daemon {
namespace {

TEST(ThreadToken, OwnIdsVerifyAndNameTheirRequest) {
  ThreadToken tokens(std::string(32, 'a'));
  std::string id = tokens.NewMessageId("RTCC-2026-000042", "pd.test");
  EXPECT_EQ(tokens.Verify(id), "RTCC-2026-000042");
  EXPECT_NE(tokens.NewMessageId("RTCC-2026-000042", "pd.test"), id) << "fresh nonce each time";
  EXPECT_EQ(tokens.VerifyAny({"someone@else", id}), "RTCC-2026-000042");
}

TEST(ThreadToken, ForgeriesFail) {
  ThreadToken tokens(std::string(32, 'a'));
  std::string id = tokens.NewMessageId("RTCC-2026-000042", "pd.test");
  // Another request number with the same nonce and MAC.
  std::string other = id;
  other.replace(other.find("000042"), 6, "000043");
  EXPECT_FALSE(tokens.Verify(other).has_value());
  // A different secret.
  EXPECT_FALSE(ThreadToken(std::string(32, 'b')).Verify(id).has_value());
  EXPECT_FALSE(tokens.Verify("rtcc.RTCC-2026-000042.short.mac@pd.test").has_value());
  EXPECT_FALSE(tokens.Verify("").has_value());
  EXPECT_THROW(ThreadToken("too short"), std::invalid_argument);
}

TEST(ThreadToken, SecretFileIsCreatedPrivateAndReused) {
  auto file = std::filesystem::temp_directory_path() / ("rtcc-token-" + std::to_string(::getpid()));
  std::filesystem::remove(file);
  std::string id = ThreadToken::FromFile(file).NewMessageId("RTCC-2026-000001", "pd.test");
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
  EXPECT_EQ(ThreadToken::FromFile(file).Verify(id), "RTCC-2026-000001")
      << "same secret after restart";
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace rtcc::daemon
