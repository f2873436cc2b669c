#include "cli/request_commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "base/json.h"
#include "base/strings.h"
#include "casework/outcomes.h"
#include "casework/policy.h"
#include "casework/request_id.h"
#include "casework/retention.h"
#include "casework/spool.h"
#include "casework/store.h"
#include "casework/workflow.h"

namespace rtcc::cli {
namespace {

using casework::RequestRecord;
using casework::RequestState;
using casework::Store;

std::string Cell(std::string s, std::size_t width) {
  if (s.size() > width) s = s.substr(0, width - 1) + "~";
  return s + std::string(width - s.size(), ' ');
}

std::string Opt(const std::optional<std::string>& v) { return v.value_or("-"); }

std::string PurposeCell(const RequestRecord& r) {
  if (r.purpose_code) return "4.5.1(" + *r.purpose_code + ") " + r.purpose_text.value_or("");
  return r.purpose_text ? "? " + *r.purpose_text : "-";
}

using casework::Word;

using base::Json;
using base::JsonOrNull;

// A vocabulary's word as stored, e.g. "positive", as JSON: null when not recorded.
template <typename E>
Json JsonWord(const std::optional<E>& value) {
  return value ? Json(Word(*value)) : Json();
}

std::string OutcomeText(const casework::SearchRecord& s) {
  if (!s.outcome) return "unknown";
  std::string t = Word(*s.outcome);
  if (s.outcome_rank) t += " (rank " + std::to_string(*s.outcome_rank) + ")";
  if (s.outcome_subject) t += " (" + *s.outcome_subject + ")";
  return t;
}

Json RequestJson(Store& store, const RequestRecord& r) {
  return {{"id", r.id},
          {"state", ToString(r.state)},
          {"received", r.created_at},
          {"requestor", r.requestor},
          {"incident_number", JsonOrNull(r.incident_number)},
          {"incident_type", JsonOrNull(r.incident_type)},
          {"purpose", JsonOrNull(r.purpose_text)},
          {"purpose_code", JsonOrNull(r.purpose_code)},
          {"flags", r.flags},
          {"probes", store.Probes(r.id).size()},
          {"reminders_sent", r.reminders_sent},
          {"closed_at", JsonOrNull(r.closed_at)},
          {"purged_at", JsonOrNull(r.purged_at)}};
}

void PrintRequests(Store& store, const std::vector<RequestRecord>& requests, bool json) {
  if (json) {
    Json items = Json::array();
    for (const auto& r : requests) items.push_back(RequestJson(store, r));
    std::cout << base::JsonText(items) << "\n";
    return;
  }
  std::cout << Cell("REQUEST", 18) << Cell("STATE", 18) << Cell("RECEIVED", 22)
            << Cell("REQUESTOR", 24) << Cell("INCIDENT", 14) << Cell("TYPE", 16)
            << Cell("PURPOSE", 28) << Cell("PROBES", 7) << "FLAGS\n";
  for (const auto& r : requests)
    std::cout << Cell(r.id, 18) << Cell(std::string(ToString(r.state)), 18)
              << Cell(r.created_at, 22) << Cell(r.requestor, 24) << Cell(Opt(r.incident_number), 14)
              << Cell(Opt(r.incident_type), 16) << Cell(PurposeCell(r), 28)
              << Cell(std::to_string(store.Probes(r.id).size()), 7)
              << (r.flags.empty()
                      ? "-"
                      : "FLAGGED " + r.flags.front() +
                            (r.flags.size() > 1 ? " (+" + std::to_string(r.flags.size() - 1) + ")"
                                                : ""))
              << "\n";
  if (requests.empty()) std::cout << "(none)\n";
}

RequestRecord Find(Store& store, const std::string& id) {
  if (!casework::IsRequestId(id))
    throw NotFound("'" + id + "' is not a request id (RTCC-yyyy-nnnnnn)");
  auto r = store.FindRequest(id);
  if (!r) throw NotFound("no request " + id);
  return *r;
}

std::string Fixed(double v, int digits = 3) { return base::Fixed(v, digits); }

// One face: where, how good (policy 4.3.4.1: grade, reasons, measures, file signs), candidates.
void PrintFace(const casework::FaceResult& f, int probe_index) {
  std::cout << "  probe " << probe_index << " face " << f.face_index << " at " << f.x << "," << f.y
            << " " << f.width << "x" << f.height;
  if (!f.detector.empty()) std::cout << "  " << f.detector;
  std::cout << " score " << Fixed(f.detector_score, 2);
  if (!f.crop_jpeg.empty()) std::cout << "  crop " << f.crop_jpeg.size() << " bytes";
  std::cout << "\n";
  const auto& q = f.quality;
  if (!q.grade) {
    std::cout << "    quality: not recorded\n";
  } else {
    std::cout << "    quality: " << ToString(*q.grade) << "  eyes " << Fixed(q.inter_eye_px, 1)
              << " px, sharpness " << Fixed(q.sharpness, 4) << ", yaw " << Fixed(q.yaw_deg, 1)
              << ", roll " << Fixed(q.roll_deg, 1) << ", brightness " << Fixed(q.brightness, 0)
              << ", contrast " << Fixed(q.contrast, 0)
              << (q.image_edited ? ", saved by an image editor" : "") << "\n";
    if (q.grade == casework::QualityGrade::kPoor)
      std::cout << "    " << casework::PoorQualityWarning() << "\n";
    for (const auto& reason : q.reasons) std::cout << "    - " << reason << "\n";
    for (const auto& sign : q.image_signs) std::cout << "    - file: " << sign << "\n";
  }
  for (const auto& c : f.candidates)
    std::cout << "    " << c.rank << ". " << c.subject_id << "  distance " << Fixed(c.distance)
              << "\n";
  if (f.candidates.empty()) std::cout << "    no candidate within the threshold\n";
}

// One search: what reproduces it (policy 4.5.3.3, 4.5.3.4), each probe's fate, each face.
void PrintSearch(Store& store, const casework::SearchRecord& s,
                 const std::vector<casework::ProbeRecord>& probes) {
  std::cout << "\nSearch #" << s.id << "  " << s.searched_at << "  by " << s.analyst
            << "  threshold " << Fixed(s.threshold)
            << (s.parent_search_id ? "  re-search of #" + std::to_string(*s.parent_search_id) : "")
            << "\n"
            << "  model " << s.model_id
            << (s.engine_settings.empty() ? "" : " (" + s.engine_settings + ")") << "\n"
            << "  gallery " << s.gallery_faces << " faces"
            << (s.gallery_subjects ? " of " + std::to_string(*s.gallery_subjects) + " subjects"
                                   : "")
            << ", snapshot " << (s.gallery_snapshot.empty() ? "(not recorded)" : s.gallery_snapshot)
            << (s.search_kernel.empty() ? "" : ", kernel " + s.search_kernel) << "\n";
  auto faces = store.SearchFaces(s.id);
  auto outcomes = store.SearchProbes(s.id);
  int index = 0;
  for (const auto& p : probes) {
    ++index;
    for (const auto& o : outcomes)
      if (o.probe_id == p.id && o.status != casework::ProbeStatus::kSearched)
        std::cout << "  probe " << index << " (" << p.filename << "): "
                  << (o.status == casework::ProbeStatus::kNoFace ? "no face found"
                                                                 : "unreadable: " + o.detail)
                  << "\n";
    for (const auto& f : faces)
      if (f.probe_id == p.id) PrintFace(f, index);
  }
  std::cout << "  outcome: " << OutcomeText(s)
            << (s.outcome_by ? "  (reported by " + *s.outcome_by + ")" : "") << "\n";
}

void Show(Store& store, const std::string& id, bool json) {
  RequestRecord r = Find(store, id);
  if (json) {
    Json searches = Json::array();
    for (const auto& s : store.Searches(r.id))
      searches.push_back(
          {{"id", s.id},
           {"searched_at", s.searched_at},
           {"analyst", s.analyst},
           {"candidates", s.candidate_count},
           {"parent_search_id", s.parent_search_id ? Json(*s.parent_search_id) : Json()},
           {"outcome", JsonWord(s.outcome)}});
    Json decisions = Json::array();
    for (const auto& d : store.Decisions(r.id))
      decisions.push_back({{"decision", Word(d.decision)},
                           {"kind", Word(d.kind)},
                           {"analyst", d.analyst},
                           {"reason", d.reason},
                           {"override_reason", d.override_reason},
                           {"decided_at", d.decided_at}});
    Json show = {
        {"request", RequestJson(store, r)}, {"decisions", decisions}, {"searches", searches}};
    std::cout << base::JsonText(show) << "\n";
    return;
  }
  std::cout << "Request          " << r.id << "\n"
            << "State            " << ToString(r.state) << "\n"
            << "Requestor        " << r.requestor_name << " <" << r.requestor << ">\n"
            << "Subject          " << r.subject << "\n"
            << "Received         " << r.created_at << "\n"
            << "Incident number  " << Opt(r.incident_number) << "\n"
            << "Incident type    " << Opt(r.incident_type) << "\n"
            << "Purpose          " << PurposeCell(r) << "\n";
  if (r.purpose_code)
    if (auto p = casework::ParsePurposeCode(*r.purpose_code))
      std::cout << "                 " << casework::Describe(*p) << "\n";
  for (const auto& f : r.flags) std::cout << "FLAGGED          policy " << f << "\n";
  if (r.purged_at) std::cout << "Purged           " << *r.purged_at << " (retention)\n";
  if (!r.notes.empty()) std::cout << "Notes\n  " << r.notes << "\n";
  std::cout << "\nProbes\n";
  int n = 0;
  for (const auto& p : store.Probes(r.id))
    std::cout << "  probe " << ++n << " (#" << p.id << ") "
              << (p.filename.empty() ? "(no name)" : p.filename) << "  " << p.content_type << "  "
              << p.size << " bytes  sha256 " << p.sha256 << "\n";
  std::cout << "\nDecisions\n";
  for (const auto& d : store.Decisions(r.id))
    std::cout << "  " << d.decided_at << "  " << ToString(d.decision)
              << (d.kind == casework::DecisionKind::kResearch ? " (re-search)" : "") << " by "
              << d.analyst << ": " << d.reason
              << (d.override_reason.empty() ? "" : "  OVERRIDE: " + d.override_reason) << "\n";
  auto probes = store.Probes(r.id);
  for (const auto& s : store.Searches(r.id)) PrintSearch(store, s, probes);
  std::cout << "\nMail sent\n";
  for (const auto& m : store.outbox().ForRequest(r.id))
    std::cout << "  " << m.created_at << "  " << Cell(Word(m.kind), 18)
              << (m.sent_at ? "sent " + *m.sent_at : Word(m.state))
              << (m.last_error.empty() ? "" : "  last error: " + m.last_error) << "\n";
  std::cout << "\nHistory\n";
  for (const auto& e : store.Events(r.id))
    std::cout << "  " << e.at << "  " << Cell(e.actor, 20) << e.action
              << (e.to_state.empty() ? "" : " " + e.from_state + " -> " + e.to_state)
              << (e.detail.empty() ? "" : ": " + e.detail) << "\n";
}

// Copies the request's probe images out of the spool (policy 4.5.3.2: results and probes go in
// the case file), named "<request>-<n>-<file name>".
void ExportProbes(Store& store, const casework::Spool& spool, const std::string& id,
                  const std::filesystem::path& dir) {
  RequestRecord r = Find(store, id);
  if (r.purged_at) throw NotFound(id + "'s probe images were purged on " + *r.purged_at);
  std::filesystem::create_directories(dir);
  int n = 0;
  for (const auto& p : store.Probes(id)) {
    std::string name = std::filesystem::path(p.filename).filename().string();
    if (name.empty()) name = p.sha256.substr(0, 12) + ".img";
    auto out = dir / (id + "-" + std::to_string(++n) + "-" + name);
    std::ofstream(out, std::ios::binary) << spool.Get("probes", p.sha256);
    std::cout << "exported " << out.string() << "\n";
  }
}

void PrintLog(Store& store, bool json) {
  auto log = store.SearchLog();
  if (json) {
    Json rows = Json::array();
    for (const auto& s : log)
      rows.push_back(
          {{"search_id", s.id},
           {"searched_at", s.searched_at},
           {"request", s.request_id},
           {"incident_number", JsonOrNull(s.incident_number)},
           {"incident_type", s.incident_type},
           {"yielded_results", s.yielded_results},
           {"positive_identification",
            s.positive_identification ? Json(*s.positive_identification) : Json()},
           {"outcome", JsonWord(s.outcome)},
           {"analyst", s.analyst},
           {"candidates", s.candidate_count},
           {"parent_search_id", s.parent_search_id ? Json(*s.parent_search_id) : Json()}});
    std::cout << base::JsonText(rows) << "\n";
    return;
  }
  // Policy 4.5.3.3: date and time, incident number, incident type, results?, positive ID?
  std::cout << Cell("SEARCHED (UTC)", 22) << Cell("REQUEST", 18) << Cell("INCIDENT", 14)
            << Cell("TYPE", 18) << Cell("RESULTS", 9) << Cell("OUTCOME", 16) << Cell("ANALYST", 14)
            << Cell("CANDIDATES", 11) << "RE-SEARCH OF\n";
  for (const auto& s : log)
    std::cout << Cell(s.searched_at, 22) << Cell(s.request_id, 18)
              << Cell(Opt(s.incident_number), 14) << Cell(s.incident_type, 18)
              << Cell(s.yielded_results ? "yes" : "no", 9) << Cell(OutcomeText(s), 16)
              << Cell(s.analyst, 14) << Cell(std::to_string(s.candidate_count), 11)
              << (s.parent_search_id ? "#" + std::to_string(*s.parent_search_id) : "-") << "\n";
}

// Policy 4.5.3.3: replies that may carry an outcome rtcc could not read; an analyst reads them
// and records the outcome with `rtccctl outcome`. Nothing is printed when there are none.
void PrintUnreadOutcomeReplies(Store& store) {
  auto unread = casework::UnreadOutcomeReplies(store);
  if (unread.empty()) return;
  std::cout << "\nOutcome replies rtcc could not read (record them with `rtccctl outcome`)\n"
            << Cell("REQUEST", 18) << Cell("REQUESTOR", 26) << Cell("RECEIVED", 22) << "WORDS\n";
  for (const auto& u : unread) {
    std::string words = u.text.substr(0, u.text.find('\n'));
    std::cout << Cell(u.request.id, 18) << Cell(u.request.requestor, 26) << Cell(u.received_at, 22)
              << Cell(words, 60) << "\n";
  }
}

void PrintOverdue(Store& store, const config::Config& config, bool json) {
  auto overdue = casework::OverdueOutcomes(store, config.outcome_reminder_days);
  if (json) {
    Json rows = Json::array();
    for (const auto& o : overdue)
      rows.push_back({{"request", o.request.id},
                      {"requestor", o.request.requestor},
                      {"awaiting_since", o.awaiting_since},
                      {"days_waiting", o.days_waiting},
                      {"reminders_sent", o.request.reminders_sent}});
    std::cout << base::JsonText(rows) << "\n";
    return;
  }
  std::cout << "Outcomes overdue (policy 4.5.3.3: none reported " << config.outcome_reminder_days
            << "+ days after the results)\n"
            << Cell("REQUEST", 18) << Cell("REQUESTOR", 26) << Cell("RESULTS SENT", 22)
            << Cell("DAYS", 6) << "REMINDERS\n";
  for (const auto& o : overdue)
    std::cout << Cell(o.request.id, 18) << Cell(o.request.requestor, 26)
              << Cell(o.awaiting_since, 22) << Cell(std::to_string(o.days_waiting), 6)
              << o.request.reminders_sent << " of " << config.outcome_max_reminders << "\n";
  if (overdue.empty()) std::cout << "(none)\n";
  PrintUnreadOutcomeReplies(store);
}

struct RequestArgs {
  std::string id, analyst, reason, override_reason, state, incident, result, subject, note;
  std::string export_dir;
  int rank = 0;
  bool dry_run = false;
};

}  // namespace

void AddRequestCommands(CLI::App& app, const CommandContext& context) {
  auto args = std::make_shared<RequestArgs>();
  // Every casework command names its operator (policy 4.5: authorized personnel only).
  auto open = [&context](Role role, const std::string& who = "") {
    auto config = context.LoadConfig();
    auto op = context.Identify(config, role, who);
    return std::make_tuple(config, op, std::make_unique<Store>(config.database_path()));
  };

  app.add_subcommand("queue", "requests waiting for an analyst's decision")->callback([&, open] {
    auto [config, op, store] = open(Role::kRoster);
    PrintRequests(*store, store->ListRequests(RequestState::kPendingApproval), context.json);
    if (!context.json) PrintUnreadOutcomeReplies(*store);
  });

  auto* requests = app.add_subcommand("requests", "all requests, newest first");
  requests->add_option("--state", args->state, "only requests in this state (e.g. NEEDS_INFO)");
  requests->add_option("--incident", args->incident, "only requests of this incident number");
  requests->callback([&, open, args] {
    std::optional<RequestState> state;
    if (!args->state.empty()) {
      state = casework::ParseRequestState(args->state);
      if (!state) throw CLI::ValidationError("--state", "unknown state '" + args->state + "'");
    }
    auto [config, op, store] = open(Role::kRoster);
    auto list = args->incident.empty() ? store->ListRequests(state)
                                       : store->RequestsForIncident(args->incident);
    if (state && !args->incident.empty())
      std::erase_if(list, [&](const RequestRecord& r) { return r.state != *state; });
    PrintRequests(*store, list, context.json);
  });

  auto* show = app.add_subcommand("show", "everything about one request");
  show->add_option("id", args->id, "request id, e.g. RTCC-2026-000001")->required();
  show->add_option("--export-probes", args->export_dir,
                   "also copy the probe images into this folder (for the case file)");
  show->callback([&, open, args] {
    auto [config, op, store] = open(Role::kRoster);
    Show(*store, args->id, context.json);
    if (!args->export_dir.empty()) {
      store->AddEvent(args->id, op.name, "probes exported", "to " + args->export_dir);
      ExportProbes(*store, casework::Spool(config.spool_dir()), args->id, args->export_dir);
    }
  });

  auto* approve =
      app.add_subcommand("approve", "approve a pending request; rtccd then runs the search");
  auto* deny = app.add_subcommand("deny", "deny a pending request; rtccd tells the requestor");
  auto* research = app.add_subcommand(
      "research", "approve a subsequent search when no identification was made (policy 4.5.3.4)");
  for (auto* cmd : {approve, deny, research}) {
    cmd->add_option("id", args->id, "request id")->required();
    cmd->add_option("--analyst", args->analyst,
                    "your name as on the roster (default: --as, or your OS user's mapping)");
    cmd->add_option("--reason", args->reason,
                    "why (recorded in the log and, for a denial, sent to the requestor)")
        ->required();
  }
  approve->add_option("--override", args->override_reason,
                      "for a request flagged for a prohibited use (policy 4.5.2): why it is "
                      "nevertheless an authorized use");
  approve->callback([open, args] {
    auto [config, op, store] = open(Role::kAnalyst, args->analyst);
    Find(*store, args->id);
    auto txn = store->Begin();
    auto d = casework::Approve(*store, args->id, op, args->reason, args->override_reason);
    txn.Commit();
    std::cout << args->id << " approved by " << d.analyst << " at " << d.decided_at << ".\n"
              << "rtccd will run the search and send the results to the requestor on its next "
                 "tick.\n";
  });
  deny->callback([open, args] {
    auto [config, op, store] = open(Role::kAnalyst, args->analyst);
    Find(*store, args->id);
    auto txn = store->Begin();
    auto d = casework::Deny(*store, args->id, op, args->reason);
    txn.Commit();
    std::cout << args->id << " denied by " << d.analyst << " at " << d.decided_at << ".\n"
              << "rtccd will tell the requestor on its next tick.\n";
  });
  research->callback([open, args] {
    auto [config, op, store] = open(Role::kAnalyst, args->analyst);
    Find(*store, args->id);
    auto txn = store->Begin();
    auto d = casework::ApproveResearch(*store, args->id, op, args->reason);
    txn.Commit();
    std::cout << args->id << " re-search approved by " << d.analyst << " at " << d.decided_at
              << ".\nrtccd will search again and log it as its own row (policy 4.5.3.4).\n";
  });

  auto* outcome = app.add_subcommand(
      "outcome", "record an outcome the requestor reported another way (policy 4.5.3.3)");
  outcome->add_option("id", args->id, "request id")->required();
  outcome->add_option("--result", args->result, "positive, none or inconclusive")
      ->required()
      ->check(CLI::IsMember({"positive", "none", "inconclusive"}));
  outcome->add_option("--rank", args->rank, "the candidate identified (rank in the results)")
      ->check(CLI::Range(1, 1000));
  outcome->add_option("--subject", args->subject, "the candidate identified (subject id)");
  outcome->add_option("--note", args->note, "how it was reported (e.g. 'by phone, Det. Smith')")
      ->required();
  outcome->add_option("--analyst", args->analyst, "your name as on the roster");
  outcome->callback([open, args] {
    auto [config, op, store] = open(Role::kAnalyst, args->analyst);
    Find(*store, args->id);
    casework::OutcomeReport report;
    report.kind = *casework::ParseOutcomeKind(args->result);
    if (args->rank > 0) report.rank = args->rank;
    if (!args->subject.empty()) report.subject = args->subject;
    auto txn = store->Begin();
    casework::RecordOutcome(*store, args->id, report, args->note + " (entered by " + op.name + ")",
                            op.name);
    txn.Commit();
    std::cout << args->id << ": outcome " << args->result << " recorded in the search log.\n";
  });

  app.add_subcommand("overdue", "outcomes not reported in time (policy 4.5.3.3)")
      ->callback([&, open] {
        auto [config, op, store] = open(Role::kRoster);
        PrintOverdue(*store, config, context.json);
      });

  app.add_subcommand("log", "the search log (policy 4.5.3.3)")->callback([&, open] {
    auto [config, op, store] = open(Role::kRoster);
    PrintLog(*store, context.json);
  });

  auto* purge = app.add_subcommand(
      "purge", "remove probe images and raw messages past retention ([retention])");
  purge->add_flag("--dry-run", args->dry_run, "only list what is due");
  purge->callback([open, args] {
    auto [config, op, store] = open(Role::kSupervisor);
    auto report = casework::PurgeExpired(*store, casework::Spool(config.spool_dir()),
                                         config.retention_days, op.name, args->dry_run);
    for (const auto& id : report.requests)
      std::cout << (args->dry_run ? "due: " : "purged: ") << id << "\n";
    std::cout << report.requests.size() << " request(s) "
              << (args->dry_run ? "due for purging" : "purged") << ", " << report.files_removed
              << " spool file(s) removed (retention " << config.retention_days
              << " days after close; the search log is kept)\n";
  });
}

}  // namespace rtcc::cli
