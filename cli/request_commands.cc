#include "cli/request_commands.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>

#include "casework/policy.h"
#include "casework/request_id.h"
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

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string PurposeCell(const RequestRecord& r) {
  if (r.purpose_code) return "4.5.1(" + *r.purpose_code + ") " + r.purpose_text.value_or("");
  return r.purpose_text ? "? " + *r.purpose_text : "-";
}

void PrintRequests(Store& store, const std::vector<RequestRecord>& requests) {
  std::cout << Cell("REQUEST", 18) << Cell("STATE", 18) << Cell("RECEIVED", 22)
            << Cell("REQUESTOR", 24) << Cell("INCIDENT", 14) << Cell("TYPE", 16)
            << Cell("PURPOSE", 28) << "PROBES\n";
  for (const auto& r : requests)
    std::cout << Cell(r.id, 18) << Cell(std::string(ToString(r.state)), 18)
              << Cell(r.created_at, 22) << Cell(r.requestor, 24) << Cell(Opt(r.incident_number), 14)
              << Cell(Opt(r.incident_type), 16) << Cell(PurposeCell(r), 28)
              << store.Probes(r.id).size() << "\n";
  if (requests.empty()) std::cout << "(none)\n";
}

RequestRecord Find(Store& store, const std::string& id) {
  if (!casework::IsRequestId(id))
    throw NotFound("'" + id + "' is not a request id (RTCC-yyyy-nnnnnn)");
  auto r = store.FindRequest(id);
  if (!r) throw NotFound("no request " + id);
  return *r;
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// One face: where, how good (policy 4.3.4.1: grade, reasons, measures, file signs), candidates.
void PrintFace(const casework::FaceResult& f, int probe_index) {
  std::cout << "  probe " << probe_index << " face " << f.face_index << " at " << f.x << "," << f.y
            << " " << f.width << "x" << f.height;
  if (!f.detector.empty()) std::cout << "  " << f.detector;
  std::cout << " score " << Fixed(f.detector_score, 2);
  if (!f.crop_jpeg.empty()) std::cout << "  crop " << f.crop_jpeg.size() << " bytes";
  std::cout << "\n";
  const auto& q = f.quality;
  if (q.grade.empty()) {
    std::cout << "    quality: not recorded\n";
  } else {
    std::cout << "    quality: " << q.grade << "  eyes " << Fixed(q.inter_eye_px, 1)
              << " px, sharpness " << Fixed(q.sharpness, 4) << ", yaw " << Fixed(q.yaw_deg, 1)
              << ", roll " << Fixed(q.roll_deg, 1) << ", brightness " << Fixed(q.brightness, 0)
              << ", contrast " << Fixed(q.contrast, 0)
              << (q.image_edited ? ", saved by an image editor" : "") << "\n";
    if (q.grade == "poor") std::cout << "    " << casework::PoorQualityWarning() << "\n";
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
      if (o.probe_id == p.id && o.status != "searched")
        std::cout << "  probe " << index << " (" << p.filename
                  << "): " << (o.status == "no_face" ? "no face found" : "unreadable: " + o.detail)
                  << "\n";
    for (const auto& f : faces)
      if (f.probe_id == p.id) PrintFace(f, index);
  }
  std::cout << "  positive identification: "
            << (s.positive_identification ? (*s.positive_identification ? "yes" : "no") : "unknown")
            << "\n";
}

void Show(Store& store, const std::string& id) {
  RequestRecord r = Find(store, id);
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
  if (!r.notes.empty()) std::cout << "Notes\n  " << r.notes << "\n";
  std::cout << "\nProbes\n";
  int n = 0;
  for (const auto& p : store.Probes(r.id))
    std::cout << "  probe " << ++n << " (#" << p.id << ") "
              << (p.filename.empty() ? "(no name)" : p.filename) << "  " << p.content_type << "  "
              << p.size << " bytes  sha256 " << p.sha256 << "\n";
  std::cout << "\nDecisions\n";
  for (const auto& d : store.Decisions(r.id))
    std::cout << "  " << d.decided_at << "  " << d.decision << " by " << d.analyst << ": "
              << d.reason << "\n";
  auto probes = store.Probes(r.id);
  for (const auto& s : store.Searches(r.id)) PrintSearch(store, s, probes);
  std::cout << "\nMail sent\n";
  for (const auto& m : store.Mail(r.id))
    std::cout << "  " << m.created_at << "  " << Cell(m.kind, 18)
              << (m.sent_at ? "sent " + *m.sent_at : "queued")
              << (m.last_error.empty() ? "" : "  last error: " + m.last_error) << "\n";
  std::cout << "\nHistory\n";
  for (const auto& e : store.Events(r.id))
    std::cout << "  " << e.at << "  " << Cell(e.actor, 20) << e.action
              << (e.to_state.empty() ? "" : " " + e.from_state + " -> " + e.to_state)
              << (e.detail.empty() ? "" : ": " + e.detail) << "\n";
}

void PrintLog(Store& store) {
  // Policy 4.5.3.3: date and time, incident number, incident type, results?, positive ID?
  std::cout << Cell("SEARCHED (UTC)", 22) << Cell("REQUEST", 18) << Cell("INCIDENT", 14)
            << Cell("TYPE", 18) << Cell("RESULTS", 9) << Cell("POSITIVE ID", 13)
            << Cell("ANALYST", 14) << "CANDIDATES\n";
  for (const auto& s : store.SearchLog())
    std::cout << Cell(s.searched_at, 22) << Cell(s.request_id, 18)
              << Cell(Opt(s.incident_number), 14) << Cell(s.incident_type, 18)
              << Cell(s.yielded_results ? "yes" : "no", 9)
              << Cell(s.positive_identification ? (*s.positive_identification ? "yes" : "no")
                                                : "unknown",
                      13)
              << Cell(s.analyst, 14) << s.candidate_count << "\n";
}

void CheckAnalyst(const config::Config& c, const std::string& analyst) {
  auto on = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), analyst) != list.end();
  };
  if (!on(c.analysts) && !on(c.supervisors))
    throw Refused("policy 4.5: '" + analyst + "' is not an authorized RTCC analyst (roster in " +
                  c.path.string() + ")");
}

struct RequestArgs {
  std::string id, analyst, reason, state;
};

}  // namespace

void AddRequestCommands(CLI::App& app, const CommandContext& context) {
  auto args = std::make_shared<RequestArgs>();
  auto open = [&context] { return std::make_unique<Store>(context.LoadConfig().database_path()); };

  app.add_subcommand("queue", "requests waiting for an analyst's decision")->callback([open] {
    auto store = open();
    PrintRequests(*store, store->ListRequests(RequestState::kPendingApproval));
  });

  auto* requests = app.add_subcommand("requests", "all requests, newest first");
  requests->add_option("--state", args->state, "only requests in this state (e.g. NEEDS_INFO)");
  requests->callback([open, args] {
    std::optional<RequestState> state;
    if (!args->state.empty()) {
      state = casework::ParseRequestState(args->state);
      if (!state) throw CLI::ValidationError("--state", "unknown state '" + args->state + "'");
    }
    auto store = open();
    PrintRequests(*store, store->ListRequests(state));
  });

  auto* show = app.add_subcommand("show", "everything about one request");
  show->add_option("id", args->id, "request id, e.g. RTCC-2026-000001")->required();
  show->callback([open, args] { Show(*open(), args->id); });

  auto* approve =
      app.add_subcommand("approve", "approve a pending request; rtccd then runs the search");
  auto* deny = app.add_subcommand("deny", "deny a pending request; rtccd tells the requestor");
  for (auto* cmd : {approve, deny}) {
    cmd->add_option("id", args->id, "request id")->required();
    cmd->add_option("--analyst", args->analyst, "your name as on the roster")->required();
    cmd->add_option("--reason", args->reason,
                    "why (recorded in the log and, for a denial, sent to the requestor)")
        ->required();
    const bool approving = cmd == approve;
    cmd->callback([&context, args, approving] {
      auto config = context.LoadConfig();
      CheckAnalyst(config, args->analyst);
      Store store(config.database_path());
      Find(store, args->id);
      auto txn = store.Begin();
      auto d = approving ? casework::Approve(store, args->id, args->analyst, args->reason)
                         : casework::Deny(store, args->id, args->analyst, args->reason);
      txn.Commit();
      std::cout << args->id << " " << d.decision << " by " << d.analyst << " at " << d.decided_at
                << ".\n"
                << (approving ? "rtccd will run the search and send the results to the requestor "
                                "on its next tick.\n"
                              : "rtccd will tell the requestor on its next tick.\n");
    });
  }

  app.add_subcommand("log", "the search log (policy 4.5.3.3)")->callback([open] {
    PrintLog(*open());
  });
}

}  // namespace rtcc::cli
