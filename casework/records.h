// Plain records of the casework store: what crosses from the store to the daemon and the CLI.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "casework/policy.h"
#include "casework/reply_kind.h"
#include "casework/request_state.h"
#include "casework/vocabulary.h"

namespace rtcc::casework {

// A message taken from the mailbox: spooled (recorded, not yet handled), then processed (see
// `kind`).
struct MessageRecord {
  std::int64_t id = 0;
  std::string mailbox;
  std::int64_t uidvalidity = 0;
  std::int64_t uid = 0;
  std::string sha256;
  std::string message_id;
  std::string received_at;
  MessageStatus status = MessageStatus::kSpooled;
  std::optional<MessageKind> kind;  // set once processed
  std::optional<std::string> request_id;
  std::string folder;  // where the message was moved on the server; empty while still in the inbox
  std::string note;
  bool headers_only = false;  // over the size cap: only its header was taken (see the note)
  std::int64_t size = 0;      // bytes on the server
};

struct NewMessage {
  std::string mailbox;
  std::int64_t uidvalidity = 0;
  std::int64_t uid = 0;
  std::string sha256;
  std::string message_id;
  std::int64_t size = 0;
  bool headers_only = false;
  std::string content_sha256 = {};  // mail::ContentDigest; "" when not computed (NULL in the table)
};

struct RequestRecord {
  std::string id;  // "RTCC-2026-000001"
  RequestState state = RequestState::kReceived;
  std::string requestor;  // e-mail address
  std::string requestor_name;
  std::string subject;
  std::optional<std::string> incident_number;
  std::optional<std::string> incident_type;
  std::optional<std::string> purpose_text;  // as written
  std::optional<std::string> purpose_code;  // policy 4.5.1 "a".."e" once recognised
  std::string notes;
  std::string thread_message_id;  // Message-ID of the message that opened the request
  std::string created_at;
  std::string updated_at;
  std::vector<std::string> flags;  // policy 4.5.2: prohibited-use phrases found (for the analyst)
  int reminders_sent = 0;          // policy 4.5.3.3: outcome reminders sent
  std::optional<std::string> last_reminder_at;
  std::optional<std::string> closed_at;  // reached CLOSED, DENIED or WITHDRAWN
  std::optional<std::string> purged_at;  // probe images and raw messages removed (retention)
};

struct NewRequest {
  std::string requestor;
  std::string requestor_name;
  std::string subject;
  std::optional<std::string> incident_number;
  std::optional<std::string> incident_type;
  std::optional<std::string> purpose_text;
  std::optional<std::string> purpose_code;
  std::string notes;
  std::string thread_message_id;
};

struct ProbeRecord {
  std::int64_t id = 0;
  std::string request_id;
  std::string filename;
  std::string content_type;
  std::string sha256;  // name in the spool ("probes")
  std::int64_t size = 0;
};

struct DecisionRecord {
  std::int64_t id = 0;
  std::string request_id;
  Decision decision = Decision::kApproved;
  std::string analyst;
  std::string reason;
  std::string decided_at;
  std::string override_reason;  // approving a flagged request (policy 4.5.2): why it is allowed
  DecisionKind kind = DecisionKind::kInitial;  // kResearch: a subsequent search (4.5.3.4)
};

struct CandidateRecord {
  int rank = 0;
  std::string subject_id;
  std::string image_ref;
  double distance = 0;
};

// How far one searched face can be trusted, as measured when it was searched (policy 4.3.4.1:
// the investigator shall take the quality of the probe photograph into consideration). Plain
// copy of the matcher's measures; casework knows nothing of how they are taken.
struct FaceQualityRecord {
  std::optional<QualityGrade> grade;     // std::nullopt when not recorded (older rows)
  std::vector<std::string> reasons;      // why not good, one plain sentence each
  double inter_eye_px = 0;               // distance between the eye centres, pixels of the probe
  double sharpness = 0;                  // higher is sharper (matcher/face_engine.h FaceQuality)
  double brightness = 0;                 // mean luminance of the face, 0-255
  double contrast = 0;                   // standard deviation of that luminance
  double yaw_deg = 0;                    // head turned left/right (0 = frontal)
  double roll_deg = 0;                   // head tilt
  bool image_edited = false;             // an image editor saved the probe file
  std::vector<std::string> image_signs;  // the probe file's edit / not-an-original signs
};

// One face found in one probe, with every gallery candidate within the threshold.
struct FaceResult {
  std::int64_t probe_id = 0;
  int face_index = 0;  // 1-based within the probe
  int x = 0, y = 0, width = 0, height = 0;
  double detector_score = 0;
  std::string detector;  // "hog", "yunet", "mmod"; "" when not recorded
  FaceQualityRecord quality;
  std::vector<std::uint8_t> crop_jpeg;      // the face as it is in the probe; empty when none
  std::vector<CandidateRecord> candidates;  // nearest first; empty = none within threshold
};

// What became of one probe image in a search: never silently dropped.
struct ProbeSearchRecord {
  std::int64_t probe_id = 0;
  ProbeStatus status = ProbeStatus::kSearched;  // kSearched when faces_found > 0
  int faces_found = 0;
  std::string detail;        // for kUnreadable: why, in a sentence fit for the investigator
  std::string image_format;  // "JPEG", "PNG", ... ("" when unreadable)
};

struct NewSearch {
  std::string request_id;
  std::int64_t decision_id = 0;  // the approval that authorizes this search (policy 4.5)
  std::string analyst;
  std::string model_id;
  double threshold = 0;
  std::int64_t gallery_faces = 0;  // faces compared: every enrolled face
  // What reproduces the search (policy 4.5.3.3, 4.5.3.4): the gallery snapshot searched (its
  // hash), its subjects, the scan kernel and the engine settings besides the model.
  std::string gallery_snapshot;
  std::int64_t gallery_subjects = 0;
  std::string search_kernel;
  std::string engine_settings;
  int probes_searched = 0;
  std::vector<ProbeSearchRecord> probes;  // one per probe looked at
  std::vector<FaceResult> faces;
  std::optional<std::int64_t> parent_search_id;  // policy 4.5.3.4: a subsequent search
};

// A row of the search log, policy 4.5.3.3.
struct SearchRecord {
  std::int64_t id = 0;
  std::string request_id;
  std::int64_t decision_id = 0;
  std::string searched_at;
  std::optional<std::string> incident_number;
  std::string incident_type;
  bool yielded_results = false;
  std::optional<bool> positive_identification;  // unknown until the requestor reports it
  std::optional<std::string> outcome_at;
  std::string outcome_note;
  std::string analyst;
  std::string model_id;
  double threshold = 0;
  std::int64_t gallery_faces = 0;
  std::string gallery_snapshot;  // "" for searches recorded before it was stored
  std::optional<std::int64_t> gallery_subjects;
  std::string search_kernel;
  std::string engine_settings;
  int probes_searched = 0;
  int faces_searched = 0;
  int candidate_count = 0;
  std::optional<std::int64_t> parent_search_id;
  std::optional<OutcomeKind> outcome;  // unknown until told
  std::optional<int> outcome_rank;     // the candidate identified, when the requestor said
  std::optional<std::string> outcome_subject;
  std::optional<std::string> outcome_by;  // who reported or entered it
};

struct OutboxRecord {
  std::int64_t id = 0;
  std::optional<std::string> request_id;
  ReplyKind kind = ReplyKind::kAcknowledgement;
  std::string message_id;
  std::string recipient;
  std::string raw;
  std::string created_at;
  OutboxState state = OutboxState::kQueued;
  std::optional<std::string> sending_at;  // when the last attempt handed it to SMTP
  std::optional<std::string> sent_at;
  int attempts = 0;
  std::string last_error;
};

struct EventRecord {
  std::int64_t id = 0;
  std::string at;
  std::optional<std::string> request_id;
  std::string actor;
  std::string action;
  std::string from_state;
  std::string to_state;
  std::string detail;
};

}  // namespace rtcc::casework
