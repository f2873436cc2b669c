// A month of the RTCC desk through the real daemon, the real loopback mail stack and rtccctl:
// approvals, a denial, a flagged request approved with an override (4.5.2), a self-approval
// refused (4.5), a withdrawal, outcomes by mail and by hand (4.5.3.3), a re-search (4.5.3.4), a
// missing outcome reminded and listed overdue, the monthly audit (4.5.5) checked against what
// happened, a tampered trail found at its row, and retention.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <ctime>
#include <functional>
#include <map>
#include <regex>

#include "base/json.h"
#include "casework/store.h"
#include "testing/rtcc_site.h"

namespace rtcc::testing {
namespace {

namespace fs = std::filesystem;
const fs::path kFaces = RTCC_TEST_FACES_DIR;
const fs::path kProbe = kFaces / "dlib_johns/John_Salley/000179_02159509.jpg";
const std::string kDays15 = "RTCC_CLOCK_OFFSET_SECONDS=" + std::to_string(15 * 86400);
const std::string kDays400 = "RTCC_CLOCK_OFFSET_SECONDS=" + std::to_string(400 * 86400);

std::string RequestIdIn(const std::string& text) {
  std::smatch m;
  std::regex_search(text, m, std::regex(R"(RTCC-\d{4}-\d{6})"));
  return m.str();
}

// The table ("key":[...]) or object ("key":{...}) named `key` anywhere in the report's JSON,
// written compactly as "key":value; empty when there is none.
std::string Section(const std::string& json, const std::string& key) {
  std::function<std::string(const base::Json&)> find = [&](const base::Json& j) -> std::string {
    if (!j.is_object()) return "";
    for (const auto& [k, v] : j.items()) {
      if (k == key && (v.is_array() || v.is_object())) return "\"" + k + "\":" + base::JsonText(v);
      if (auto inner = find(v); !inner.empty()) return inner;
    }
    return "";
  };
  return find(base::Json::parse(json));
}

// The monthly audit's figures against what the test did (ComplianceMonth below).
void CheckReport(const std::string& json, std::map<std::string, std::string>& id) {
  auto has = [&](const std::string& section, const std::string& text) {
    EXPECT_NE(Section(json, section).find(text), std::string::npos)
        << section << " lacks " << text << "\n"
        << Section(json, section);
  };
  // 7 filed; r1 r2 r3 r5 r7 approved, and r2's re-search; r4 denied; r6 withdrawn.
  has("totals", "\"requests_received\":7");
  has("totals", "\"approvals\":6");
  has("totals", "\"denials\":1");
  has("totals", "\"withdrawn\":1");
  has("totals", "\"searches\":6");
  // r1 and r7 positive, r2's first search none, r3 inconclusive (entered by hand).
  has("outcomes", "\"positive\":2");
  has("outcomes", "\"none\":1");
  has("outcomes", "\"inconclusive\":1");
  // Searches per analyst: analyst ran r1, r3, r5 and r2's re-search; second r2 and r7.
  has("searches_per_analyst", "{\"analyst\":\"analyst\",\"searches\":4");
  has("searches_per_analyst", "{\"analyst\":\"second\",\"searches\":2");
  has("flagged_requests", id["r3"]);
  has("flagged_requests", "the robbery happened at the rally");
  EXPECT_EQ(Section(json, "flagged_requests").find(id["r1"]), std::string::npos);
  has("requests_without_incident_number", id["r5"]);
  EXPECT_EQ(Section(json, "requests_without_incident_number").find(id["r1"]), std::string::npos);
  has("re_searches", id["r2"]);
  has("overdue_outcomes", id["r2"]);
  has("overdue_outcomes", id["r5"]);
  EXPECT_EQ(Section(json, "overdue_outcomes").find(id["r1"]), std::string::npos);
  has("decisions", "probe too blurred");
  EXPECT_NE(json.find("\"violation_count\":0"), std::string::npos) << Section(json, "violations");
  has("trail", "\"verified\":true");
}

class ComplianceMonth : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "the loopback mail stack runs as root";
    site_ = std::make_unique<RtccSite>("month", "", "", "",
                                       "[outcomes]\nreminder_after_days = 14\nmax_reminders = 2\n");
    for (const auto& person : fs::directory_iterator(kFaces / "dlib_johns")) {
      auto dest = site_->dir() / "gallery" / person.path().filename();
      fs::create_directories(dest);
      for (const auto& photo : fs::directory_iterator(person))
        if (photo.path() != kProbe) fs::copy_file(photo, dest / photo.path().filename());
    }
    auto enrolled = site_->Ctl("gallery enroll " + (site_->dir() / "gallery").string());
    ASSERT_EQ(enrolled.exit_code, 0) << enrolled.output;
  }

  // Files a request by mail; returns its id from the acknowledgement.
  void Send(const std::string& tag, const std::string& body) {
    site_->mail().Inject("detective@pd.test", "rtcc@pd.test",
                         RequestMessage("detective@pd.test", "FR " + tag, tag + "@pd.test",
                                        "Incident Type: Robbery\r\n" + body, {kProbe}));
  }
  // The newest message to the detective whose subject has `id` and `words`.
  mail::MimeMessage Latest(const std::string& id, const std::string& words, std::size_t count) {
    auto inbox = site_->mail().WaitForMessages("REQUESTOR", count);
    for (auto it = inbox.rbegin(); it != inbox.rend(); ++it)
      if (it->subject.find(id) != std::string::npos && it->subject.find(words) != std::string::npos)
        return *it;
    ADD_FAILURE() << "no '" << words << "' message for " << id;
    return {};
  }
  // The detective answers rtcc's message `to` in its thread.
  void Answer(const mail::MimeMessage& to, const std::string& tag, const std::string& body) {
    site_->mail().Inject(
        "detective@pd.test", "rtcc@pd.test",
        "From: Detective <detective@pd.test>\r\nTo: rtcc@pd.test\r\nSubject: Re: " + to.subject +
            "\r\nMessage-ID: <" + tag + "@pd.test>\r\nIn-Reply-To: <" + to.message_id +
            ">\r\nReferences: <" + to.message_id + ">\r\n\r\n" + body + "\r\n");
  }
  CommandResult Ctl(const std::string& args, const std::string& env = "") {
    return site_->Ctl(args, env);
  }
  void Tick(int ticks = 2, const std::string& env = "") {
    auto d = site_->Daemon(ticks, env);
    ASSERT_EQ(d.exit_code, 0) << d.output;
  }

  std::unique_ptr<RtccSite> site_;
};

TEST_F(ComplianceMonth, AMonthOfRequestsAndItsAudit) {
  // --- Seven requests arrive. ------------------------------------------------------------------
  const std::vector<std::string> tags = {"r1", "r2", "r3", "r4", "r5", "r6", "r7"};
  for (const auto& t : tags) {
    std::string body = "Purpose: identify a suspect\r\n";
    if (t != "r5") body = "Incident Number: 2026-M-" + t + "\r\n" + body;  // r5: none given
    if (t == "r3") body += "\r\nWe need to monitor him on the live feed at the rally.\r\n";
    Send(t, body);
  }
  Tick();
  std::map<std::string, std::string> id;
  auto inbox = site_->mail().WaitForMessages("REQUESTOR", 7);
  ASSERT_EQ(inbox.size(), 7u);
  for (const auto& m : inbox) {
    ASSERT_FALSE(m.references.empty());
    id[m.references.front().substr(0, 2)] = RequestIdIn(m.subject);
  }
  ASSERT_EQ(id.size(), 7u);
  auto queue = Ctl("queue");
  EXPECT_NE(queue.output.find("FLAGGED 4.5.2"), std::string::npos) << queue.output;

  // --- r6 is withdrawn by its requestor before anyone decides. --------------------------------
  Answer(Latest(id["r6"], "FR r6", 7), "r6-withdraw", "Please withdraw this request.");
  Tick();
  EXPECT_EQ(site_->Store().GetRequest(id["r6"]).state, casework::RequestState::kWithdrawn);
  Latest(id["r6"], "withdrawn", 8);

  // --- Decisions. -------------------------------------------------------------------------------
  EXPECT_EQ(Ctl("approve " + id["r1"] + " --as mallory --reason x").exit_code, 3)
      << "not on the roster";
  EXPECT_EQ(Ctl("approve " + id["r1"] + " --reason \"armed robbery suspect\"").exit_code, 0)
      << "the OS user maps to analyst";
  EXPECT_EQ(Ctl("approve " + id["r2"] + " --as second --reason \"robbery suspect\"").exit_code, 0);
  auto flagged = Ctl("approve " + id["r3"] + " --reason \"robbery suspect\"");
  EXPECT_EQ(flagged.exit_code, 3) << flagged.output;
  EXPECT_NE(flagged.output.find("--override"), std::string::npos) << flagged.output;
  EXPECT_EQ(Ctl("approve " + id["r3"] +
                " --reason \"robbery suspect\" --override \"the robbery happened at the rally; no "
                "monitoring is done\"")
                .exit_code,
            0);
  EXPECT_EQ(Ctl("deny " + id["r4"] + " --as second --reason \"probe too blurred\"").exit_code, 0);
  EXPECT_EQ(Ctl("approve " + id["r5"] + " --reason \"witness to a robbery\"").exit_code, 0);
  auto self = Ctl("approve " + id["r7"] + " --as detective --reason mine");
  EXPECT_EQ(self.exit_code, 3) << "the detective filed r7: " << self.output;
  EXPECT_EQ(Ctl("approve " + id["r7"] + " --as second --reason \"robbery suspect\"").exit_code, 0);
  Tick(3);  // searches, results, the denial notice

  // --- Outcomes: by mail (r1 positive with its candidate, r2 none, r7 positive), by hand (r3). ---
  Answer(Latest(id["r1"], "search results", 14), "r1-outcome",
         "Outcome: positive identification, candidate 1");
  Answer(Latest(id["r2"], "search results", 14), "r2-outcome", "Outcome: no identification");
  Answer(Latest(id["r7"], "search results", 14), "r7-outcome", "Outcome: positive identification");
  Tick();
  EXPECT_EQ(Ctl("outcome " + id["r3"] + " --result inconclusive --note \"by phone\"").exit_code, 0);
  {
    auto store = site_->Store();
    EXPECT_EQ(store.Searches(id["r1"]).back().outcome, casework::OutcomeKind::kPositive);
    EXPECT_EQ(store.Searches(id["r1"]).back().outcome_rank, 1);
    EXPECT_EQ(store.Searches(id["r2"]).back().outcome, casework::OutcomeKind::kNone);
    EXPECT_EQ(store.Searches(id["r3"]).back().outcome, casework::OutcomeKind::kInconclusive);
  }

  // --- r2: no identification, so a re-search (4.5.3.4); r1's positive one cannot be. -----------
  EXPECT_EQ(Ctl("research " + id["r1"] + " --reason again").exit_code, 3);
  EXPECT_EQ(Ctl("research " + id["r2"] + " --reason \"new enrolments\"").exit_code, 0);
  Tick();
  {
    auto searches = site_->Store().Searches(id["r2"]);
    ASSERT_EQ(searches.size(), 2u);
    EXPECT_EQ(searches[1].parent_search_id, searches[0].id);
  }

  // --- Fifteen days on: r2 (re-searched) and r5 have no outcome: reminded, and overdue. --------
  EXPECT_NE(Ctl("overdue").output.find("(none)"), std::string::npos);
  Tick(1, kDays15);
  for (const auto& t : {"r2", "r5"}) {
    EXPECT_EQ(site_->Store().GetRequest(id[t]).reminders_sent, 1) << t;
  }
  EXPECT_EQ(site_->Store().GetRequest(id["r1"]).reminders_sent, 0);
  auto overdue = Ctl("overdue --json", kDays15);
  EXPECT_NE(overdue.output.find(id["r2"]), std::string::npos) << overdue.output;
  EXPECT_NE(overdue.output.find(id["r5"]), std::string::npos) << overdue.output;
  EXPECT_EQ(overdue.output.find(id["r1"]), std::string::npos) << overdue.output;
  Tick(1, kDays15);
  EXPECT_EQ(site_->Store().GetRequest(id["r5"]).reminders_sent, 1) << "not again the same day";

  // --- The monthly audit (4.5.5). -------------------------------------------------------------
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char month[8];
  std::strftime(month, sizeof month, "%Y-%m", &tm);
  EXPECT_EQ(Ctl(std::string("audit report --month ") + month + " --format json").exit_code, 3)
      << "analysts do not audit";
  auto report =
      Ctl(std::string("--as sergeant audit report --month ") + month + " --format json", kDays15);
  ASSERT_EQ(report.exit_code, 0) << report.output;
  CheckReport(report.output, id);

  // --- The trail verifies; one edited row is found at that row. --------------------------------
  auto verify = Ctl("--as sergeant audit verify");
  ASSERT_EQ(verify.exit_code, 0) << verify.output;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((site_->dir() / "data/rtcc.sqlite").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db,
                           "DROP TRIGGER events_no_update; UPDATE events SET actor = 'second' "
                           "WHERE id = 20;",
                           nullptr, nullptr, &error),
              SQLITE_OK)
        << error;
    sqlite3_close(db);
  }
  auto broken = Ctl("--as sergeant audit verify");
  EXPECT_EQ(broken.exit_code, 5) << broken.output;
  EXPECT_NE(broken.output.find("20"), std::string::npos) << broken.output;

  // --- Retention, 400 days on: finished requests lose their files, the log stays. -------------
  auto purge = Ctl("--as sergeant purge", kDays400);
  ASSERT_EQ(purge.exit_code, 0) << purge.output;
  auto store = site_->Store();
  for (const auto& t : {"r1", "r3", "r4", "r6", "r7"})
    EXPECT_TRUE(store.GetRequest(id[t]).purged_at.has_value()) << t;
  for (const auto& t : {"r2", "r5"})
    EXPECT_FALSE(store.GetRequest(id[t]).purged_at.has_value()) << t << " still awaits an outcome";
  EXPECT_EQ(store.SearchLog().size(), 6u) << "r1 r2 r2' r3 r5 r7: the search log is kept";
  // The probe image is shared with r2 and r5, which still need it.
  auto probes = store.Probes(id["r1"]);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_TRUE(fs::exists(site_->dir() / "data/spool/probes" / probes[0].sha256.substr(0, 2) /
                         probes[0].sha256));
}

}  // namespace
}  // namespace rtcc::testing
