#include "testing/hostile_mail.h"

#include <gtest/gtest.h>

#include <set>

#include "mail/mime_message.h"

namespace rtcc::testing {
namespace {

TEST(HostileCorpus, NamesAreUniqueAndEnough) {
  auto names = HostileMessageNames();
  EXPECT_GE(names.size(), 22u);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  EXPECT_THROW(BuildHostileMessage("no-such-shape", "a@pd.test"), std::invalid_argument);
  EXPECT_NE(HostileMessageId("x", "a@pd.test"), HostileMessageId("x", "b@pd.test"));
}

class EveryHostileMessage : public ::testing::TestWithParam<std::string> {};

// Each message is at most 12 MB, and the MIME parser reads it without throwing: its sender and
// Message-ID (written before any hostile field) are read, so tests can find it again.
TEST_P(EveryHostileMessage, ParsesAndKeepsItsSenderAndMessageId) {
  for (std::string from : {"detective@pd.test", "stranger@outside.test"}) {
    HostileMessage m = BuildHostileMessage(GetParam(), from);
    EXPECT_EQ(m.name, GetParam());
    EXPECT_FALSE(m.what.empty());
    EXPECT_LE(m.raw.size(), 12u * 1024 * 1024) << m.name;
    mail::MimeMessage parsed;
    ASSERT_NO_THROW(parsed = mail::ParseMimeMessage(m.raw)) << m.name;
    EXPECT_EQ(parsed.message_id, m.message_id) << m.name;
    EXPECT_EQ(parsed.from_address, from) << m.name;
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, EveryHostileMessage, ::testing::ValuesIn(HostileMessageNames()),
                         TestName);

}  // namespace
}  // namespace rtcc::testing
