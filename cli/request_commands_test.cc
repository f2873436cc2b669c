// rtccctl's casework commands with --json: what a script reading the output gets (valid JSON with
// typed values, text from e-mail escaped, absent fields null), on the month of
// testing/audit_test_data.h.
#include "cli/request_commands.h"

#include <gtest/gtest.h>

#include "base/json.h"
#include "casework/store.h"
#include "testing/audit_test_data.h"
#include "testing/rtccctl_in_process.h"

namespace rtcc::cli {
namespace {

using base::Json;

class RequestCommandsJson : public testing::RtccctlInProcess {
 protected:
  RequestCommandsJson() : RtccctlInProcess(AddRequestCommands) {}
  void SetUp() override {
    RtccctlInProcess::SetUp();
    store_ = std::make_unique<casework::Store>(DatabasePath());
    data_ = std::make_unique<testing::AuditTestData>(*store_);
    data_->SeedOctober2026();
    context_.json = true;
  }
  void TearDown() override {
    data_.reset();
    store_.reset();
    RtccctlInProcess::TearDown();
  }
  // The output of `rtccctl --json <args>`, parsed (a parse error fails the test).
  Json RunJson(const std::string& args) {
    std::string text = Run(args);
    EXPECT_TRUE(Json::accept(text)) << text;
    return Json::parse(text, nullptr, /*allow_exceptions=*/false);
  }

  std::unique_ptr<casework::Store> store_;
  std::unique_ptr<testing::AuditTestData> data_;
};

TEST_F(RequestCommandsJson, RequestsListsEveryRequestWithTypedFields) {
  Json list = RunJson("requests");
  ASSERT_TRUE(list.is_array());
  EXPECT_EQ(list.size(), 11u);  // R0..R10
  const Json* r2 = nullptr;
  for (const auto& r : list)
    if (r["id"] == data_->id("R2")) r2 = &r;
  ASSERT_NE(r2, nullptr) << list;
  EXPECT_EQ((*r2)["requestor"], "det.b@pd.example");
  EXPECT_TRUE((*r2)["incident_number"].is_null()) << "R2 has no incident number";
  EXPECT_EQ((*r2)["incident_type"], "burglary");
  EXPECT_TRUE((*r2)["probes"].is_number_integer());
  EXPECT_TRUE((*r2)["flags"].is_array());
  EXPECT_TRUE((*r2)["closed_at"].is_null() || (*r2)["closed_at"].is_string());
}

TEST_F(RequestCommandsJson, ShowCarriesDecisionsAndSearchesWithTheReasonAsWritten) {
  Json denied = RunJson("show " + data_->id("R4"));
  EXPECT_EQ(denied["request"]["id"], data_->id("R4"));
  ASSERT_EQ(denied["decisions"].size(), 1u) << denied;
  EXPECT_EQ(denied["decisions"][0]["decision"], "denied");
  EXPECT_EQ(denied["decisions"][0]["reason"], testing::kHostileText) << "quotes and markup kept";
  EXPECT_TRUE(denied["searches"].empty());

  Json researched = RunJson("show " + data_->id("R2"));
  ASSERT_EQ(researched["searches"].size(), 2u) << researched;
  const Json& second = researched["searches"][1];
  EXPECT_EQ(second["id"], data_->search("S3"));
  EXPECT_EQ(second["parent_search_id"], data_->search("S2")) << "a re-search names its parent";
  EXPECT_EQ(second["candidates"], 3);
  EXPECT_TRUE(researched["searches"][0]["parent_search_id"].is_null());
  EXPECT_EQ(researched["searches"][0]["outcome"], "none");
}

TEST_F(RequestCommandsJson, LogHasOneRowPerSearchWithBooleansAndNulls) {  // policy 4.5.3.3
  Json log = RunJson("log");
  ASSERT_TRUE(log.is_array());
  ASSERT_GE(log.size(), 8u);
  for (const auto& row : log) {
    EXPECT_TRUE(row["yielded_results"].is_boolean()) << row;
    EXPECT_EQ(row["yielded_results"].get<bool>(), row["candidates"].get<int>() > 0) << row;
    EXPECT_TRUE(row["positive_identification"].is_boolean() ||
                row["positive_identification"].is_null())
        << row;
  }
  auto s1 = std::find_if(log.begin(), log.end(),
                         [&](const Json& row) { return row["search_id"] == data_->search("S1"); });
  ASSERT_NE(s1, log.end());
  EXPECT_EQ((*s1)["incident_number"], "26-001");
  EXPECT_EQ((*s1)["outcome"], "positive");
  EXPECT_EQ((*s1)["positive_identification"], true);
}

}  // namespace
}  // namespace rtcc::cli
