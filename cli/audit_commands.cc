#include "cli/audit_commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "base/json.h"
#include "casework/audit_render.h"
#include "casework/audit_report.h"
#include "casework/audit_trail.h"
#include "casework/store.h"

namespace rtcc::cli {
namespace {

struct AuditArgs {
  std::string head, month, format = "html", output;
  std::optional<int> overdue_days;  // default: [outcomes] reminder_days of the configuration
};

// A trail head is a SHA-256 in hex, as `audit verify` and every report print it.
void CheckHead(const std::string& head) {
  bool hex = head.size() == 64 && head.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!head.empty() && !hex)
    throw CLI::ValidationError("--head", "expected the 64 lower-case hex digits of a trail head");
}

void PrintVerification(const casework::TrailVerification& v, bool json) {
  if (json) {
    base::Json j = {
        {"verified", v.ok},
        {"rows", v.rows},
        {"head", v.head},
        {"first_broken_row", v.first_broken ? base::Json(*v.first_broken) : base::Json()},
        {"problem", v.problem}};
    std::cout << base::JsonText(j) << "\n";
    return;
  }
  if (v.ok)
    std::cout << "audit trail verifies: " << v.rows << " row(s)\nhead "
              << (v.head.empty() ? "(none: the trail is empty)" : v.head) << "\n";
  else
    std::cout << "audit trail does NOT verify ("
              << (v.first_broken ? "first broken row " + std::to_string(*v.first_broken)
                                 : std::to_string(v.rows) + " row(s) read")
              << "): " << v.problem << "\n";
}

// Writes `text` to `path` whole or not at all (a temporary file renamed over it).
void WriteFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::filesystem::remove(tmp);
      throw std::runtime_error("cannot write " + tmp);
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw std::runtime_error("cannot write " + path + ": " + ec.message());
  }
}

void Report(const CommandContext& context, const AuditArgs& args) {
  auto month = casework::ParseAuditMonth(args.month);
  if (!month)
    throw CLI::ValidationError("--month",
                               "expected YYYY-MM (e.g. 2026-11), not '" + args.month + "'");
  CheckHead(args.head);
  auto config = context.LoadConfig();
  context.Identify(config, Role::kSupervisor);  // policy 4.5.5: the supervisors audit
  casework::Store store(config.database_path());
  casework::AuditOptions options;
  options.outcome_overdue_days = args.overdue_days.value_or(config.outcome_reminder_days);
  options.expected_head = args.head;
  options.analyst_emails = config.roster_emails;  // self-approval (4.5)
  auto report = casework::BuildAuditReport(store, month->first, month->second, options);
  std::string text = args.format == "json"  ? casework::RenderAuditJson(report)
                     : args.format == "csv" ? casework::RenderAuditCsv(report)
                                            : casework::RenderAuditHtml(report);
  if (args.output.empty() || args.output == "-")
    std::cout << text << std::flush;
  else
    WriteFile(args.output, text);
  if (!report.trail.ok)
    std::cerr << "rtccctl: warning: the audit trail does not verify: " << report.trail.problem
              << "\n";
  if (!report.violations.empty())
    std::cerr << "rtccctl: " << report.violations.size() << " policy violation(s) found\n";
}

}  // namespace

void AddAuditCommands(CLI::App& app, const CommandContext& context) {
  auto args = std::make_shared<AuditArgs>();
  auto* audit =
      app.add_subcommand("audit", "the monthly compliance audit (policy 4.5.5), the audit trail");
  audit->require_subcommand(1);

  auto* verify = audit->add_subcommand(
      "verify", "check that no row of the audit trail was edited or removed (exit 5 if one was)");
  verify->add_option("--head", args->head,
                     "a head recorded earlier (e.g. in last month's report): fails if it is gone");
  verify->callback([&context, args] {
    CheckHead(args->head);
    auto config = context.LoadConfig();
    context.Identify(config, Role::kRoster);
    casework::Store store(config.database_path());
    auto v = casework::VerifyTrail(store.db(), args->head);
    PrintVerification(v, context.json);
    if (!v.ok)
      throw TrailBroken(
          "the audit trail does not verify" +
          (v.first_broken ? " from row " + std::to_string(*v.first_broken) : std::string()) + ": " +
          v.problem);
  });

  auto* report = audit->add_subcommand(
      "report", "the monthly audit: searches, decisions, outcomes, violations, trail");
  report->add_option("--month", args->month, "the month audited, YYYY-MM (UTC)")->required();
  report->add_option("--format", args->format, "html (default), csv or json")
      ->check(CLI::IsMember({"html", "csv", "json"}));
  report->add_option("-o,--output", args->output, "write to FILE (default: standard output)");
  report->add_option("--head", args->head, "a trail head recorded earlier, checked as well");
  report
      ->add_option(
          "--overdue-days", args->overdue_days,
          "an outcome is overdue this many days after the results (default: the reminder days, "
          "4.5.3.3)")
      ->check(CLI::Range(0, 3650));
  report->callback([&context, args] { Report(context, *args); });
}

}  // namespace rtcc::cli
