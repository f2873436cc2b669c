// The audit trail: chained, append-only, and any edit or removal found at its row.
#include "casework/audit_trail.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "casework/schema.h"
#include "casework/store.h"
#include "testing/temp_store.h"

namespace rtcc::casework {
namespace {

class AuditTrail : public testing::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    for (int i = 1; i <= 5; ++i)
      store_->AddEvent(std::nullopt, "analyst", "action " + std::to_string(i), "detail");
  }
  // Changes the file behind the store's back, as someone with the sqlite3 shell would: the
  // triggers go first (they are in the file too, so an attacker can drop them).
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "rtcc.sqlite").c_str(), &db), SQLITE_OK);
    std::string all = "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; " + sql;
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
    sqlite3_free(error);
    sqlite3_close(db);
  }
};

// Every existing database's trail is verified against this canonical form: a change of it would
// make every trail "broken". If this test fails, the form changed — give it a new version
// ("rtcc-trail-v2") and keep verifying v1 rows, do not update the constants. The expected values
// were computed by Python's hashlib over the same length-prefixed fields.
TEST(TrailHash, KnownAnswersPinTheCanonicalForm) {
  EventRecord approval{7,
                       "2026-11-25T14:30:05Z",
                       "RTCC-2026-000001",
                       "analyst",
                       "state changed",
                       "PENDING_APPROVAL",
                       "SEARCHING",
                       "approved: robbery suspect"};
  std::string prev;
  for (int i = 0; i < 32; ++i) prev += "ab";
  EXPECT_EQ(TrailHash(approval, prev),
            "f4e97fc932cae71841567e986ad332bab122b7ba6548b2bff5c286c4bdafda10");
  EventRecord first{
      1, "2026-11-25T14:30:05Z", std::nullopt, "rtccd", "configuration loaded", "", "", "x"};
  EXPECT_EQ(TrailHash(first, ""),
            "2e8929e4beaae827e8f73bfce087a8b169a168afd95e5873f1f3816c1b9d7de3")
      << "a row without a request is marked so, not taken for request \"\"";
}

TEST_F(AuditTrail, AnIntactTrailVerifiesWithItsHead) {
  auto v = VerifyTrail(store_->db());
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.rows, 5);
  EXPECT_EQ(v.head.size(), 64u);
  EXPECT_TRUE(VerifyTrail(store_->db(), v.head).ok);
}

TEST_F(AuditTrail, TheDatabaseRefusesUpdatesDeletesAndUnchainedRows) {
  EXPECT_THROW(store_->db().Exec("UPDATE events SET detail = 'x' WHERE id = 2"), SqliteError);
  EXPECT_THROW(store_->db().Exec("DELETE FROM events WHERE id = 5"), SqliteError);
  EXPECT_THROW(store_->db().Exec("INSERT INTO events (id, at, actor, action, prev_hash, hash) "
                                 "VALUES (6, 'now', 'x', 'forged', 'bad', 'bad')"),
               SqliteError);
  EXPECT_TRUE(VerifyTrail(store_->db()).ok);
}

TEST_F(AuditTrail, AnEditedRowIsFoundAtThatRow) {
  Tamper("UPDATE events SET detail = 'approved by someone else' WHERE id = 3;");
  auto v = VerifyTrail(store_->db());
  EXPECT_FALSE(v.ok);
  ASSERT_TRUE(v.first_broken);
  EXPECT_EQ(*v.first_broken, 3);
  EXPECT_NE(v.problem.find("edited"), std::string::npos) << v.problem;
}

TEST_F(AuditTrail, ARehashedEditStillBreaksTheNextLink) {
  std::string prev_hash;
  {
    auto s = store_->db().Prepare("SELECT prev_hash FROM events WHERE id = 3");
    ASSERT_TRUE(s.Step());
    prev_hash = s.Text(0);
  }  // (an open statement would keep the store reading its old snapshot)
  EventRecord forged{3,       "2026-01-01T00:00:00Z", std::nullopt, "analyst", "action 3", "", "",
                     "forged"};
  std::string hash = TrailHash(forged, prev_hash);
  Tamper("UPDATE events SET at = '" + forged.at + "', detail = 'forged', hash = '" + hash +
         "' WHERE id = 3;");
  auto v = VerifyTrail(store_->db());
  EXPECT_FALSE(v.ok);
  ASSERT_TRUE(v.first_broken);
  EXPECT_EQ(*v.first_broken, 4) << "row 3 is self-consistent, row 4 no longer links to it";
}

TEST_F(AuditTrail, ADeletedRowIsFound) {
  Tamper("DELETE FROM events WHERE id = 2;");
  auto v = VerifyTrail(store_->db());
  EXPECT_FALSE(v.ok);
  ASSERT_TRUE(v.first_broken);
  EXPECT_EQ(*v.first_broken, 3);
  EXPECT_NE(v.problem.find("row 2 is missing"), std::string::npos) << v.problem;
}

TEST_F(AuditTrail, ATruncatedTailIsFoundAgainstARecordedHead) {
  std::string head = VerifyTrail(store_->db()).head;
  Tamper("DELETE FROM events WHERE id = 5;");
  EXPECT_TRUE(VerifyTrail(store_->db()).ok) << "a shorter chain is valid on its own";
  auto v = VerifyTrail(store_->db(), head);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.problem.find("rows were removed"), std::string::npos) << v.problem;
}

TEST_F(AuditTrail, EventsWrittenBeforeTheChainAreChainedByTheMigration) {
  store_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  {
    // A database of schema 2 with three events, as an earlier rtcc left it.
    SqliteDb db(dir_ / "rtcc.sqlite");
    const auto& migrations = SchemaMigrations();
    for (std::size_t v = 0; v < 2; ++v) db.Exec(migrations[v]);
    db.Exec("PRAGMA user_version = 2");
    for (int i = 1; i <= 3; ++i)
      db.Exec("INSERT INTO events (at, actor, action) VALUES ('2026-10-0" + std::to_string(i) +
              "T00:00:00Z', 'rtccd', 'old " + std::to_string(i) + "')");
  }
  store_ = std::make_unique<Store>(dir_ / "rtcc.sqlite");
  store_->AddEvent(std::nullopt, "analyst", "new", "");
  auto v = VerifyTrail(store_->db());
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.rows, 4);
}

}  // namespace
}  // namespace rtcc::casework
