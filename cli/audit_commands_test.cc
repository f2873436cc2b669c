// `rtccctl audit verify|report` (policy 4.5.5): the commands parsed as rtccctl parses them.
#include "cli/audit_commands.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "casework/store.h"
#include "testing/rtccctl_in_process.h"

namespace rtcc::cli {
namespace {

class AuditCommands : public testing::RtccctlInProcess {
 protected:
  AuditCommands() : RtccctlInProcess(AddAuditCommands) {}
  void SetUp() override {
    RtccctlInProcess::SetUp();
    casework::Store store(DatabasePath());
    for (int i = 1; i <= 4; ++i) store.AddEvent(std::nullopt, "analyst", "action", "detail");
  }
  void EditEvent(int id) {
    casework::Store store(DatabasePath());
    store.db().Exec(
        "DROP TRIGGER events_no_update; UPDATE events SET detail = 'edited' WHERE id = " +
        std::to_string(id));
  }
};

TEST_F(AuditCommands, VerifyPrintsRowsAndHead) {
  std::string out = Run("audit verify");
  EXPECT_NE(out.find("audit trail verifies: 4 row(s)"), std::string::npos) << out;
  std::string head = out.substr(out.find("head ") + 5, 64);
  EXPECT_EQ(head.find_first_not_of("0123456789abcdef"), std::string::npos) << head;
  EXPECT_NO_THROW(Run("audit verify --head " + head));
  EXPECT_THROW(Run("audit verify --head " + std::string(64, '0')), TrailBroken);
}

TEST_F(AuditCommands, AnEditedTrailIsTrailBrokenNamingTheRow) {
  EditEvent(2);
  try {
    Run("--json audit verify");
    FAIL() << "an edited trail verified";
  } catch (const TrailBroken& e) {
    EXPECT_NE(std::string(e.what()).find("from row 2"), std::string::npos) << e.what();
  }
  EXPECT_NE(out_.find("\"verified\":false"), std::string::npos) << out_;
  EXPECT_NE(out_.find("\"first_broken_row\":2"), std::string::npos) << out_;
  EXPECT_EQ(kExitTrailBroken, 5);
}

TEST_F(AuditCommands, ReportWritesTheChosenFormatToAFile) {
  auto file = dir_ / "audit.csv";
  EXPECT_EQ(Run("audit report --month 2026-11 --format csv --output " + file.string()), "");
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().rfind("summary\r\nfigure,label,value\r\n", 0), 0u) << text.str();
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
  std::string html = Run("audit report --month 2026-11");  // html, on stdout, by default
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  std::string json = Run("audit report --month 2026-11 --format json");
  EXPECT_NE(json.find("\"month\":\"2026-11\""), std::string::npos);
  EXPECT_NE(json.find("\"rows\":4"), std::string::npos);
}

TEST_F(AuditCommands, OnlySupervisorsRunTheMonthlyAudit) {  // policy 4.5.5
  context_.as = "analyst";
  EXPECT_THROW(Run("audit report --month 2026-11"), Refused);
  EXPECT_NO_THROW(Run("audit verify"));
  context_.as = "stranger";
  EXPECT_THROW(Run("audit verify"), Refused);
}

TEST_F(AuditCommands, BadUsageIsAValidationErrorNamingTheExpectedForm) {
  for (const char* month : {"2026-13", "11-2026", "2026-1", "2026"}) {
    try {
      Run(std::string("audit report --month ") + month);
      FAIL() << month << " was accepted";
    } catch (const CLI::ValidationError& e) {
      EXPECT_NE(std::string(e.what()).find("YYYY-MM"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(Run("audit report --month 2026-11 --format xml"), CLI::ValidationError);
  EXPECT_THROW(Run("audit verify --head not-a-hash"), CLI::ValidationError);
  EXPECT_THROW(Run("audit report"), CLI::RequiredError);
}

}  // namespace
}  // namespace rtcc::cli
