#include "casework/retention.h"

#include <filesystem>

namespace rtcc::casework {

PurgeReport PurgeExpired(Store& store, const Spool& spool, int days_after_close,
                         const std::string& actor, bool dry_run) {
  PurgeReport report;
  if (days_after_close <= 0) return report;
  const std::time_t cutoff = Now() - std::time_t{days_after_close} * 86400;
  for (const auto& r : store.ListRequests()) {
    if (r.purged_at || !r.closed_at || ParseUtc(*r.closed_at) > cutoff) continue;
    report.requests.push_back(r.id);
    if (dry_run) continue;
    int removed = 0;
    auto remove = [&](std::string_view kind, const std::string& table, const std::string& sha) {
      if (store.CountReferences(table, sha, r.id) > 0) return;  // still needed elsewhere
      std::error_code ec;
      if (std::filesystem::remove(spool.PathOf(kind, sha), ec)) ++removed;
    };
    for (const auto& p : store.Probes(r.id)) remove("probes", "probes", p.sha256);
    for (const auto& m : store.messages().ForRequest(r.id))
      remove("messages", "messages", m.sha256);
    auto txn = store.Begin();
    store.MarkPurged(r.id);
    store.AddEvent(r.id, actor, "purged",
                   std::to_string(removed) + " spool file(s) removed, " +
                       std::to_string(days_after_close) + " days after " + *r.closed_at +
                       "; the search log is kept");
    txn.Commit();
    report.files_removed += removed;
  }
  return report;
}

}  // namespace rtcc::casework
