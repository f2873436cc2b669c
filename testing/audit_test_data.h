// A known month of casework for the audit tests (policy 4.5.5): October 2026, with a request of
// September and one of November around it, and five violations seeded on purpose. Written
// through the Store API; the timestamps, and the schema 3 columns the API does not write yet
// (flags, override reason, decision kind, outcome, candidates listed), are set with SQL.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "casework/audit_report.h"
#include "casework/store.h"
#include "testing/temp_store.h"

namespace rtcc::testing {

// A denial reason with markup, quotes, a comma and a formula: every renderer must escape it.
inline constexpr const char* kHostileText =
    "real-time monitoring <script>alert(\"x\")</script> & 'more', =HYPERLINK(1)";

class AuditTestData {
 public:
  explicit AuditTestData(casework::Store& store) : store_(store) {}

  // R0 (September); R1..R9 (October); R10 (November). Violations: S8 ran on denial D8 (4.5);
  // reply O3 listed 1 of the 3 candidates of re-search S3 (4.5.3.2); S6 searched R7, which has no
  // incident type (4.5.3.3); D6 approved by "dave", who filed R6 (4.5); D9 approved flagged R9
  // without an override reason (4.5.2).
  void SeedOctober2026();

  // The ids of the named rows ("R1", "S3", "D6", "O3"); throws std::out_of_range when unknown.
  const std::string& id(const std::string& request) const { return requests_.at(request); }
  std::int64_t search(const std::string& name) const { return searches_.at(name); }
  std::int64_t decision(const std::string& name) const { return decisions_.at(name); }
  std::int64_t reply(const std::string& name) const { return replies_.at(name); }

 private:
  struct Req {
    std::string requestor;
    std::optional<std::string> incident_number, incident_type, purpose_code;
    std::string flags;
    std::string created_at;
  };
  void Request(const std::string& name, const Req& r);
  void Walk(const std::string& name, const std::vector<casework::RequestState>& states);
  void Decide(const std::string& name, const std::string& request, casework::Decision decision,
              const std::string& analyst, const std::string& reason, const std::string& at,
              const std::string& override_reason = "",
              casework::DecisionKind kind = casework::DecisionKind::kInitial);
  void Search(const std::string& name, const std::string& request, const std::string& decision,
              const std::string& analyst, int candidates, const std::string& at,
              const std::string& parent = "");
  void Reply(const std::string& name, const std::string& request, int listed, const std::string& at,
             const std::string& sent_at);
  void Outcome(const std::string& search, casework::OutcomeKind outcome, const std::string& at,
               const std::string& by);
  // UPDATE `table` SET `column` = `value` (NULL when nullopt) WHERE id = `id`.
  void Set(const std::string& table, const std::string& column,
           const std::optional<std::string>& value, const std::string& id);

  casework::Store& store_;
  std::map<std::string, std::string> requests_;
  std::map<std::string, std::int64_t> searches_, decisions_, replies_;
  std::map<std::string, std::int64_t> probes_;
};

// A fresh database per test, seeded with SeedOctober2026(); reports as of 2026-11-01T00:00:00Z,
// with "dave" on the roster as Dave@PD.example.
class AuditFixture : public TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    data_ = std::make_unique<AuditTestData>(*store_);
    data_->SeedOctober2026();
    options_.as_of = casework::ParseUtc("2026-11-01T00:00:00Z");
    options_.analyst_emails = {{"dave", "Dave@PD.example"}};
  }
  void TearDown() override {
    data_.reset();
    TempStoreTest::TearDown();
  }
  casework::AuditReport October() {
    return casework::BuildAuditReport(*store_, 2026, 10, options_);
  }

  std::unique_ptr<AuditTestData> data_;
  casework::AuditOptions options_;
};

}  // namespace rtcc::testing
