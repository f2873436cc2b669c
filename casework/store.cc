#include "casework/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "casework/audit_trail.h"
#include "casework/request_id.h"
#include "casework/schema.h"

namespace rtcc::casework {
namespace {

constexpr const char* kRequestColumns =
    "id, state, requestor, requestor_name, subject, incident_number, incident_type, purpose_text, "
    "purpose_code, notes, thread_message_id, created_at, updated_at, flags, reminders_sent, "
    "last_reminder_at, closed_at, purged_at";

std::vector<std::string> SplitFlags(const std::string& joined) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < joined.size();) {
    std::size_t end = joined.find("; ", start);
    if (end == std::string::npos) end = joined.size();
    if (end > start) out.push_back(joined.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

RequestRecord ReadRequest(const Statement& s) {
  RequestRecord r;
  r.id = s.Text(0);
  r.state = s.Parsed(1, "requests.state", ParseRequestState);
  r.requestor = s.Text(2);
  r.requestor_name = s.Text(3);
  r.subject = s.Text(4);
  r.incident_number = s.OptText(5);
  r.incident_type = s.OptText(6);
  r.purpose_text = s.OptText(7);
  r.purpose_code = s.OptText(8);
  r.notes = s.Text(9);
  r.thread_message_id = s.Text(10);
  r.created_at = s.Text(11);
  r.updated_at = s.Text(12);
  r.flags = SplitFlags(s.Text(13));
  r.reminders_sent = static_cast<int>(s.Int(14));
  r.last_reminder_at = s.OptText(15);
  r.closed_at = s.OptText(16);
  r.purged_at = s.OptText(17);
  return r;
}

constexpr const char* kSearchColumns =
    "id, request_id, decision_id, searched_at, incident_number, incident_type, yielded_results, "
    "positive_identification, outcome_at, outcome_note, analyst, model_id, threshold, "
    "gallery_faces, probes_searched, faces_searched, candidate_count, parent_search_id, "
    "gallery_snapshot, gallery_subjects, search_kernel, engine_settings, outcome, outcome_rank, "
    "outcome_subject, outcome_by";

SearchRecord ReadSearch(const Statement& s) {
  SearchRecord r;
  r.id = s.Int(0);
  r.request_id = s.Text(1);
  r.decision_id = s.Int(2);
  r.searched_at = s.Text(3);
  r.incident_number = s.OptText(4);
  r.incident_type = s.Text(5);
  r.yielded_results = s.Int(6) != 0;
  if (!s.IsNull(7)) r.positive_identification = s.Int(7) != 0;
  r.outcome_at = s.OptText(8);
  r.outcome_note = s.Text(9);
  r.analyst = s.Text(10);
  r.model_id = s.Text(11);
  r.threshold = s.Double(12);
  r.gallery_faces = s.Int(13);
  r.probes_searched = static_cast<int>(s.Int(14));
  r.faces_searched = static_cast<int>(s.Int(15));
  r.candidate_count = static_cast<int>(s.Int(16));
  r.parent_search_id = s.OptInt(17);
  r.gallery_snapshot = s.Text(18);
  r.gallery_subjects = s.OptInt(19);
  r.search_kernel = s.Text(20);
  r.engine_settings = s.Text(21);
  r.outcome = s.OptParsed(22, "searches.outcome", ParseOutcomeKind);
  if (auto rank = s.OptInt(23)) r.outcome_rank = static_cast<int>(*rank);
  r.outcome_subject = s.OptText(24);
  r.outcome_by = s.OptText(25);
  return r;
}

// Sentences stored one per line (none of them holds a line break: those are turned to spaces).
std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) out += '\n';
    std::string one = l;
    std::replace(one.begin(), one.end(), '\n', ' ');
    std::replace(one.begin(), one.end(), '\r', ' ');
    out += one;
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

constexpr const char* kFaceColumns =
    "id, probe_id, face_index, x, y, width, height, detector_score, detector, quality_grade, "
    "quality_reasons, inter_eye_px, sharpness, brightness, contrast, yaw_deg, roll_deg, "
    "image_edited, image_signs, crop_jpeg";

FaceResult ReadFace(const Statement& s) {
  FaceResult f;
  f.probe_id = s.Int(1);
  f.face_index = static_cast<int>(s.Int(2));
  f.x = static_cast<int>(s.Int(3));
  f.y = static_cast<int>(s.Int(4));
  f.width = static_cast<int>(s.Int(5));
  f.height = static_cast<int>(s.Int(6));
  f.detector_score = s.Double(7);
  f.detector = s.Text(8);
  f.quality.grade = s.OptParsed(9, "search_faces.quality_grade", ParseQualityGrade);
  f.quality.reasons = SplitLines(s.Text(10));
  f.quality.inter_eye_px = s.Double(11);
  f.quality.sharpness = s.Double(12);
  f.quality.brightness = s.Double(13);
  f.quality.contrast = s.Double(14);
  f.quality.yaw_deg = s.Double(15);
  f.quality.roll_deg = s.Double(16);
  f.quality.image_edited = s.Int(17) != 0;
  f.quality.image_signs = SplitLines(s.Text(18));
  std::string crop = s.Blob(19);
  f.crop_jpeg.assign(crop.begin(), crop.end());
  return f;
}

constexpr const char* kDecisionColumns =
    "id, request_id, decision, analyst, reason, decided_at, override_reason, kind";

DecisionRecord ReadDecision(const Statement& s) {
  return DecisionRecord{
      s.Int(0),  s.Text(1), s.Parsed(2, "decisions.decision", ParseDecision), s.Text(3), s.Text(4),
      s.Text(5), s.Text(6), s.Parsed(7, "decisions.kind", ParseDecisionKind)};
}

}  // namespace

Store::Store(const std::filesystem::path& path) : db_(path), messages_(db_), outbox_(db_) {
  Migrate();
}

void Store::Migrate() {
  const auto& migrations = SchemaMigrations();
  Transaction txn(db_);
  auto version_stmt = db_.Prepare("PRAGMA user_version");
  version_stmt.Step();
  auto version = static_cast<std::size_t>(version_stmt.Int(0));
  if (version > migrations.size())
    throw SqliteError("database schema version " + std::to_string(version) +
                      " is newer than this rtcc understands (" + std::to_string(migrations.size()) +
                      ")");
  for (std::size_t v = version; v < migrations.size(); ++v) {
    db_.Exec(migrations[v]);
    if (v + 1 == kChainTrailAfterVersion) ChainUnhashedRows(db_);
    db_.Exec("PRAGMA user_version = " + std::to_string(v + 1));
  }
  txn.Commit();
}

// --- requests ---------------------------------------------------------------------------------

RequestRecord Store::CreateRequest(const NewRequest& r, const std::string& actor) {
  int year = CurrentYear();
  auto next = db_.Prepare("SELECT COALESCE(MAX(seq), 0) + 1 FROM requests WHERE year = ?");
  next.Bind(1, year);
  next.Step();
  int seq = static_cast<int>(next.Int(0));
  std::string id = FormatRequestId(year, seq);
  std::string now = UtcNow();
  auto s = db_.Prepare(
      "INSERT INTO requests (id, year, seq, state, requestor, requestor_name, subject, "
      "incident_number, "
      "incident_type, purpose_text, purpose_code, notes, thread_message_id, created_at, "
      "updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const std::string received(ToString(RequestState::kReceived));
  s.Bind(1, id).Bind(2, year).Bind(3, seq).Bind(4, received);
  s.Bind(5, r.requestor).Bind(6, r.requestor_name).Bind(7, r.subject);
  s.Bind(8, r.incident_number)
      .Bind(9, r.incident_type)
      .Bind(10, r.purpose_text)
      .Bind(11, r.purpose_code);
  s.Bind(12, r.notes).Bind(13, r.thread_message_id).Bind(14, now).Bind(15, now);
  s.Run();
  AddEvent(id, actor, "request received", "from " + r.requestor, "", received);
  return GetRequest(id);
}

std::optional<RequestRecord> Store::FindRequest(const std::string& id) {
  auto s = db_.Prepare(std::string("SELECT ") + kRequestColumns + " FROM requests WHERE id = ?");
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadRequest(s);
}

RequestRecord Store::GetRequest(const std::string& id) {
  auto r = FindRequest(id);
  if (!r) throw WorkflowError("no request " + id);
  return *r;
}

std::vector<RequestRecord> Store::ListRequests(std::optional<RequestState> state) {
  auto s =
      db_.Prepare(std::string("SELECT ") + kRequestColumns +
                  " FROM requests WHERE ?1 IS NULL OR state = ?1 ORDER BY year DESC, seq DESC");
  if (state)
    s.Bind(1, ToString(*state));
  else
    s.BindNull(1);
  std::vector<RequestRecord> out;
  while (s.Step()) out.push_back(ReadRequest(s));
  return out;
}

void Store::UpdateRequestFields(const RequestRecord& r) {
  auto s = db_.Prepare(
      "UPDATE requests SET incident_number = ?, incident_type = ?, purpose_text = ?, purpose_code "
      "= ?, notes = ?, updated_at = ?, flags = ? WHERE id = ?");
  std::string flags;
  for (const auto& f : r.flags) flags += (flags.empty() ? "" : "; ") + f;
  s.Bind(1, r.incident_number)
      .Bind(2, r.incident_type)
      .Bind(3, r.purpose_text)
      .Bind(4, r.purpose_code);
  s.Bind(5, r.notes).Bind(6, UtcNow()).Bind(7, flags).Bind(8, r.id);
  s.Run();
}

void Store::Transition(const std::string& id, RequestState to, const std::string& actor,
                       const std::string& detail) {
  RequestRecord r = GetRequest(id);
  if (!CanTransition(r.state, to))
    throw WorkflowError("request " + id + " is " + std::string(ToString(r.state)) +
                        " and cannot become " + std::string(ToString(to)));
  const bool closing =
      to == RequestState::kClosed || to == RequestState::kDenied || to == RequestState::kWithdrawn;
  auto s = db_.Prepare(
      "UPDATE requests SET state = ?, updated_at = ?, closed_at = CASE WHEN ? THEN ? ELSE NULL END "
      "WHERE id = ? AND state = ?");
  std::string now = UtcNow();
  s.Bind(1, ToString(to)).Bind(2, now).Bind(3, closing ? 1 : 0).Bind(4, now);
  s.Bind(5, id).Bind(6, ToString(r.state));
  s.Run();
  if (db_.Changes() != 1) throw WorkflowError("request " + id + " changed state concurrently");
  AddEvent(id, actor, "state changed", detail, std::string(ToString(r.state)),
           std::string(ToString(to)));
}

// --- probes -----------------------------------------------------------------------------------

std::int64_t Store::AddProbe(const std::string& request_id, std::optional<std::int64_t> message_row,
                             const std::string& filename, const std::string& content_type,
                             const std::string& sha256, std::int64_t size) {
  auto s = db_.Prepare(
      "INSERT INTO probes (request_id, message_row, filename, content_type, sha256, size) "
      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (request_id, sha256) DO NOTHING");
  s.Bind(1, request_id)
      .Bind(2, message_row)
      .Bind(3, filename)
      .Bind(4, content_type)
      .Bind(5, sha256)
      .Bind(6, size);
  s.Run();
  auto q = db_.Prepare("SELECT id FROM probes WHERE request_id = ? AND sha256 = ?");
  q.Bind(1, request_id).Bind(2, sha256);
  q.Step();
  return q.Int(0);
}

std::vector<ProbeRecord> Store::Probes(const std::string& request_id) {
  auto s = db_.Prepare(
      "SELECT id, request_id, filename, content_type, sha256, size FROM probes WHERE request_id = "
      "? ORDER BY id");
  s.Bind(1, request_id);
  std::vector<ProbeRecord> out;
  while (s.Step()) out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5)});
  return out;
}

// --- decisions --------------------------------------------------------------------------------

std::int64_t Store::RecordDecision(const std::string& request_id, Decision decision,
                                   const std::string& analyst, const std::string& reason,
                                   const std::string& override_reason, DecisionKind kind) {
  auto s = db_.Prepare(
      "INSERT INTO decisions (request_id, decision, analyst, reason, decided_at, override_reason, "
      "kind) VALUES (?, ?, ?, ?, ?, ?, ?)");
  s.Bind(1, request_id).Bind(2, ToString(decision)).Bind(3, analyst).Bind(4, reason);
  s.Bind(5, UtcNow()).Bind(6, override_reason).Bind(7, ToString(kind));
  s.Run();
  return db_.LastInsertId();
}

std::vector<DecisionRecord> Store::Decisions(const std::string& request_id) {
  auto s = db_.Prepare(std::string("SELECT ") + kDecisionColumns +
                       " FROM decisions WHERE request_id = ? ORDER BY id");
  s.Bind(1, request_id);
  std::vector<DecisionRecord> out;
  while (s.Step()) out.push_back(ReadDecision(s));
  return out;
}

std::optional<DecisionRecord> Store::LatestDecision(const std::string& request_id) {
  auto all = Decisions(request_id);
  if (all.empty()) return std::nullopt;
  return all.back();
}

// --- searches ---------------------------------------------------------------------------------

std::int64_t Store::RecordSearch(const NewSearch& n) {
  RequestRecord r = GetRequest(n.request_id);
  int faces = static_cast<int>(n.faces.size());
  int candidates = 0;
  for (const auto& f : n.faces) candidates += static_cast<int>(f.candidates.size());
  auto s = db_.Prepare(
      "INSERT INTO searches (request_id, decision_id, searched_at, incident_number, incident_type, "
      "yielded_results, analyst, model_id, threshold, gallery_faces, probes_searched, "
      "faces_searched, candidate_count, parent_search_id, gallery_snapshot, gallery_subjects, "
      "search_kernel, engine_settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?)");
  s.Bind(1, n.request_id).Bind(2, n.decision_id).Bind(3, UtcNow()).Bind(4, r.incident_number);
  s.Bind(5, r.incident_type.value_or("")).Bind(6, candidates > 0 ? 1 : 0).Bind(7, n.analyst);
  s.Bind(8, n.model_id).Bind(9, n.threshold).Bind(10, n.gallery_faces).Bind(11, n.probes_searched);
  s.Bind(12, faces).Bind(13, candidates).Bind(14, n.parent_search_id);
  s.Bind(15, n.gallery_snapshot).Bind(16, n.gallery_subjects).Bind(17, n.search_kernel);
  s.Bind(18, n.engine_settings);
  s.Run();
  std::int64_t search_id = db_.LastInsertId();
  for (const auto& p : n.probes) {
    auto ps = db_.Prepare(
        "INSERT INTO search_probes (search_id, probe_id, status, faces_found, detail, "
        "image_format) VALUES (?, ?, ?, ?, ?, ?)");
    ps.Bind(1, search_id).Bind(2, p.probe_id).Bind(3, ToString(p.status)).Bind(4, p.faces_found);
    ps.Bind(5, p.detail).Bind(6, p.image_format);
    ps.Run();
  }
  for (const auto& f : n.faces) {
    auto fs = db_.Prepare(
        "INSERT INTO search_faces (search_id, probe_id, face_index, x, y, width, height, "
        "detector_score, detector, quality_grade, quality_reasons, inter_eye_px, sharpness, "
        "brightness, contrast, yaw_deg, roll_deg, image_edited, image_signs, crop_jpeg) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    fs.Bind(1, search_id).Bind(2, f.probe_id).Bind(3, f.face_index).Bind(4, f.x).Bind(5, f.y);
    fs.Bind(6, f.width).Bind(7, f.height).Bind(8, f.detector_score).Bind(9, f.detector);
    const FaceQualityRecord& q = f.quality;
    if (q.grade)
      fs.Bind(10, ToString(*q.grade));
    else
      fs.BindNull(10);
    fs.Bind(11, JoinLines(q.reasons)).Bind(12, q.inter_eye_px).Bind(13, q.sharpness);
    fs.Bind(14, q.brightness).Bind(15, q.contrast).Bind(16, q.yaw_deg).Bind(17, q.roll_deg);
    fs.Bind(18, q.image_edited ? 1 : 0).Bind(19, JoinLines(q.image_signs));
    if (f.crop_jpeg.empty())
      fs.BindNull(20);
    else
      fs.BindBlob(20, f.crop_jpeg.data(), f.crop_jpeg.size());
    fs.Run();
    std::int64_t face_id = db_.LastInsertId();
    for (const auto& c : f.candidates) {
      auto cs = db_.Prepare(
          "INSERT INTO candidates (face_id, rank, subject_id, image_ref, distance) VALUES (?, ?, "
          "?, ?, ?)");
      cs.Bind(1, face_id)
          .Bind(2, c.rank)
          .Bind(3, c.subject_id)
          .Bind(4, c.image_ref)
          .Bind(5, c.distance);
      cs.Run();
    }
  }
  return search_id;
}

std::vector<SearchRecord> Store::Searches(const std::string& request_id) {
  auto s = db_.Prepare(std::string("SELECT ") + kSearchColumns +
                       " FROM searches WHERE request_id = ? ORDER BY id");
  s.Bind(1, request_id);
  std::vector<SearchRecord> out;
  while (s.Step()) out.push_back(ReadSearch(s));
  return out;
}

std::vector<SearchRecord> Store::SearchLog() {
  auto s = db_.Prepare(std::string("SELECT ") + kSearchColumns + " FROM searches ORDER BY id");
  std::vector<SearchRecord> out;
  while (s.Step()) out.push_back(ReadSearch(s));
  return out;
}

std::vector<FaceResult> Store::SearchFaces(std::int64_t search_id) {
  auto s = db_.Prepare(std::string("SELECT ") + kFaceColumns +
                       " FROM search_faces WHERE search_id = ? ORDER BY probe_id, face_index");
  s.Bind(1, search_id);
  std::vector<FaceResult> out;
  while (s.Step()) {
    FaceResult f = ReadFace(s);
    auto c = db_.Prepare(
        "SELECT rank, subject_id, image_ref, distance FROM candidates WHERE face_id = ? ORDER BY "
        "rank");
    c.Bind(1, s.Int(0));
    while (c.Step())
      f.candidates.push_back({static_cast<int>(c.Int(0)), c.Text(1), c.Text(2), c.Double(3)});
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<ProbeSearchRecord> Store::SearchProbes(std::int64_t search_id) {
  auto s = db_.Prepare(
      "SELECT probe_id, status, faces_found, detail, image_format FROM search_probes "
      "WHERE search_id = ? ORDER BY probe_id");
  s.Bind(1, search_id);
  std::vector<ProbeSearchRecord> out;
  while (s.Step())
    out.push_back({s.Int(0), s.Parsed(1, "search_probes.status", ParseProbeStatus),
                   static_cast<int>(s.Int(2)), s.Text(3), s.Text(4)});
  return out;
}

void Store::RecordOutcome(std::int64_t search_id, const OutcomeReport& outcome,
                          const std::string& note, const std::string& by) {
  auto s = db_.Prepare(
      "UPDATE searches SET positive_identification = ?, outcome = ?, outcome_rank = ?, "
      "outcome_subject = ?, outcome_by = ?, outcome_at = ?, outcome_note = ? WHERE id = ?");
  if (outcome.kind == OutcomeKind::kInconclusive)
    s.BindNull(1);
  else
    s.Bind(1, outcome.kind == OutcomeKind::kPositive ? 1 : 0);
  s.Bind(2, ToString(outcome.kind));
  if (outcome.rank)
    s.Bind(3, *outcome.rank);
  else
    s.BindNull(3);
  s.Bind(4, outcome.subject).Bind(5, by).Bind(6, UtcNow()).Bind(7, note).Bind(8, search_id);
  s.Run();
}

void Store::MarkReminderSent(const std::string& request_id) {
  auto s = db_.Prepare(
      "UPDATE requests SET reminders_sent = reminders_sent + 1, last_reminder_at = ? WHERE id = ?");
  s.Bind(1, UtcNow()).Bind(2, request_id);
  s.Run();
}

void Store::MarkPurged(const std::string& request_id) {
  auto s = db_.Prepare("UPDATE requests SET purged_at = ? WHERE id = ?");
  s.Bind(1, UtcNow()).Bind(2, request_id);
  s.Run();
  // The face crops are probe images too; the search rows and their measures stay.
  auto crops = db_.Prepare(
      "UPDATE search_faces SET crop_jpeg = NULL WHERE search_id IN "
      "(SELECT id FROM searches WHERE request_id = ?)");
  crops.Bind(1, request_id);
  crops.Run();
}

std::vector<RequestRecord> Store::RequestsForIncident(const std::string& incident_number) {
  auto s =
      db_.Prepare(std::string("SELECT ") + kRequestColumns +
                  " FROM requests WHERE incident_number = ? ORDER BY created_at DESC, id DESC");
  s.Bind(1, incident_number);
  std::vector<RequestRecord> out;
  while (s.Step()) out.push_back(ReadRequest(s));
  return out;
}

std::int64_t Store::CountReferences(const std::string& table, const std::string& sha256,
                                    const std::string& except_request_id) {
  if (table != "probes" && table != "messages") throw std::invalid_argument("table " + table);
  auto s = db_.Prepare("SELECT count(*) FROM " + table +
                       " t JOIN requests r ON r.id = t.request_id WHERE t.sha256 = ? AND "
                       "t.request_id <> ? AND r.purged_at IS NULL");
  s.Bind(1, sha256).Bind(2, except_request_id);
  s.Step();
  return s.Int(0);
}

// --- events -----------------------------------------------------------------------------------

void Store::AddEvent(const std::optional<std::string>& request_id, const std::string& actor,
                     const std::string& action, const std::string& detail,
                     const std::string& from_state, const std::string& to_state) {
  EventRecord row{0, UtcNow(), request_id, actor, action, from_state, to_state, detail};
  if (sqlite3_get_autocommit(db_.handle()) == 0) {
    AppendTrail(db_, std::move(row));
    return;
  }
  Transaction txn(db_);  // read the last hash and append under one write lock
  AppendTrail(db_, std::move(row));
  txn.Commit();
}

std::vector<EventRecord> Store::Events(const std::string& request_id) {
  auto s = db_.Prepare(
      "SELECT id, at, request_id, actor, action, from_state, to_state, detail FROM events "
      "WHERE request_id = ? ORDER BY id");
  s.Bind(1, request_id);
  std::vector<EventRecord> out;
  while (s.Step())
    out.push_back(
        {s.Int(0), s.Text(1), s.OptText(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7)});
  return out;
}

}  // namespace rtcc::casework
