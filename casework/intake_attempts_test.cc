#include "casework/intake_attempts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "casework/store.h"

namespace rtcc::casework {
namespace {

class IntakeAttemptsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("rtcc-attempts-" + std::to_string(::getpid()) + ".sqlite");
    std::filesystem::remove(path_);
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }
  std::filesystem::path path_;
  const MessageKey a_{"INBOX", 7, 1};
  const MessageKey b_{"INBOX", 7, 2};
};

TEST_F(IntakeAttemptsTest, AnAttemptIsDurableBeforeTheWorkStarts) {
  {
    Store store(path_);
    IntakeAttempts attempts(store.db());
    attempts.Begin({a_, b_});
    attempts.Begin({a_});
    // The process dies here, in the middle of the work: nothing else was written.
  }
  Store store(path_);
  IntakeAttempts attempts(store.db());
  EXPECT_EQ(attempts.Count(a_), 2);
  EXPECT_EQ(attempts.Count(b_), 1);
  EXPECT_EQ(attempts.LastError(a_), "") << "a crash leaves no word";
  EXPECT_EQ(attempts.Count({"INBOX", 8, 1}), 0) << "another UIDVALIDITY is another message";
}

TEST_F(IntakeAttemptsTest, ErrorsAreKeptUntilTheNextAttempt) {
  Store store(path_);
  IntakeAttempts attempts(store.db());
  attempts.Begin({a_});
  attempts.Fail(a_, "cannot read the spool");
  EXPECT_EQ(attempts.LastError(a_), "cannot read the spool");
  attempts.Begin({a_});
  EXPECT_EQ(attempts.LastError(a_), "");
  EXPECT_EQ(attempts.Count(a_), 2);
}

TEST_F(IntakeAttemptsTest, AServerFailureIsForgivenAndDoneWorkIsCleared) {
  Store store(path_);
  IntakeAttempts attempts(store.db());
  attempts.Begin({a_, b_});
  attempts.Begin({a_, b_});
  attempts.Forgive({a_, b_});
  EXPECT_EQ(attempts.Count(a_), 1);
  attempts.Forgive({a_});
  EXPECT_EQ(attempts.Count(a_), 0);
  attempts.Forgive({a_});
  EXPECT_EQ(attempts.Count(a_), 0) << "never below zero";
  {
    auto txn = store.Begin();
    attempts.Clear(b_);
    txn.Commit();
  }
  EXPECT_EQ(attempts.Count(b_), 0);
}

}  // namespace
}  // namespace rtcc::casework
