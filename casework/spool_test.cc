#include "casework/spool.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace rtcc::casework {
namespace {

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("rtcc-spool-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(SpoolTest, StoresByContentPrivatelyAndDetectsDamage) {
  Spool spool(dir_);
  std::string sha = spool.Put("messages", "hello");
  EXPECT_EQ(sha, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_EQ(spool.Put("messages", "hello"), sha);  // idempotent
  EXPECT_EQ(spool.Get("messages", sha), "hello");

  struct stat st {};
  ASSERT_EQ(::stat(spool.PathOf("messages", sha).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u) << "spool files must not be readable by others";
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);

  { std::ofstream(spool.PathOf("messages", sha), std::ios::trunc) << "tampered"; }
  EXPECT_THROW(spool.Get("messages", sha), std::runtime_error);
  EXPECT_THROW(spool.Get("messages", std::string(64, '0')), std::runtime_error);
}

}  // namespace
}  // namespace rtcc::casework
