#include "casework/schema.h"

namespace rtcc::casework {

const std::vector<std::string_view>& SchemaMigrations() {
  static const std::vector<std::string_view> kMigrations = {
      // 1: the walking skeleton.
      R"sql(
CREATE TABLE requests (
  id TEXT PRIMARY KEY,
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  state TEXT NOT NULL,
  requestor TEXT NOT NULL,
  requestor_name TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  incident_number TEXT,
  incident_type TEXT,
  purpose_text TEXT,
  purpose_code TEXT CHECK (purpose_code IN ('a','b','c','d','e')),
  notes TEXT NOT NULL DEFAULT '',
  thread_message_id TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (year, seq)
);

-- Every message taken from the mailbox. (mailbox, uidvalidity, uid) is the intake checkpoint;
-- sha256 names the raw message in the spool.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  mailbox TEXT NOT NULL,
  uidvalidity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  message_id TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('spooled','processed')),
  kind TEXT NOT NULL DEFAULT '',
  request_id TEXT REFERENCES requests(id),
  folder TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  UNIQUE (mailbox, uidvalidity, uid)
);
CREATE INDEX messages_by_sha256 ON messages(sha256);
CREATE INDEX messages_by_message_id ON messages(message_id);

CREATE TABLE probes (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES requests(id),
  message_row INTEGER REFERENCES messages(id),
  filename TEXT NOT NULL DEFAULT '',
  content_type TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  UNIQUE (request_id, sha256)
);

-- Analysts' approvals and denials: who, when, why (policy 4.5).
CREATE TABLE decisions (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES requests(id),
  decision TEXT NOT NULL CHECK (decision IN ('approved','denied')),
  analyst TEXT NOT NULL CHECK (length(trim(analyst)) > 0),
  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  decided_at TEXT NOT NULL
);

-- The search log of policy 4.5.3.3: one row per search, subsequent searches included (4.5.3.4).
CREATE TABLE searches (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES requests(id),
  decision_id INTEGER NOT NULL REFERENCES decisions(id),
  searched_at TEXT NOT NULL,
  incident_number TEXT,
  incident_type TEXT NOT NULL,
  yielded_results INTEGER NOT NULL CHECK (yielded_results IN (0,1)),
  positive_identification INTEGER CHECK (positive_identification IN (0,1)),
  outcome_at TEXT,
  outcome_note TEXT NOT NULL DEFAULT '',
  analyst TEXT NOT NULL,
  model_id TEXT NOT NULL,
  threshold REAL NOT NULL,
  gallery_faces INTEGER NOT NULL,
  probes_searched INTEGER NOT NULL,
  faces_searched INTEGER NOT NULL,
  candidate_count INTEGER NOT NULL,
  parent_search_id INTEGER REFERENCES searches(id)
);

-- Policy 4.5: no search without a recorded approval of that very request.
CREATE TRIGGER searches_require_approval BEFORE INSERT ON searches
WHEN (SELECT decision FROM decisions WHERE id = NEW.decision_id AND request_id = NEW.request_id)
     IS NOT 'approved'
BEGIN
  SELECT RAISE(ABORT, 'policy 4.5: a search needs a recorded approval of the same request');
END;

CREATE TABLE search_faces (
  id INTEGER PRIMARY KEY,
  search_id INTEGER NOT NULL REFERENCES searches(id),
  probe_id INTEGER NOT NULL REFERENCES probes(id),
  face_index INTEGER NOT NULL,
  x INTEGER NOT NULL, y INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
  detector_score REAL NOT NULL,
  UNIQUE (search_id, probe_id, face_index)
);

CREATE TABLE candidates (
  face_id INTEGER NOT NULL REFERENCES search_faces(id),
  rank INTEGER NOT NULL,
  subject_id TEXT NOT NULL,
  image_ref TEXT NOT NULL,
  distance REAL NOT NULL,
  PRIMARY KEY (face_id, rank)
);

-- Every message rtcc sends is written here first, then sent, then marked sent.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  request_id TEXT REFERENCES requests(id),
  kind TEXT NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  recipient TEXT NOT NULL,
  raw BLOB NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);

-- What happened to each request, by whom. Append-only.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  request_id TEXT REFERENCES requests(id),
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  from_state TEXT NOT NULL DEFAULT '',
  to_state TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
)sql",
      // 2: exactly-once sending and oversize messages (issue 4).
      R"sql(
-- 'sending' is written (and committed) before a message is handed to SMTP: a row still 'sending'
-- after a crash may have gone out, and is checked against the Sent folder before any resend.
ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'queued'
  CHECK (state IN ('queued','sending','sent'));
UPDATE outbox SET state = 'sent' WHERE sent_at IS NOT NULL;
ALTER TABLE outbox ADD COLUMN sending_at TEXT;  -- when the last attempt handed it to SMTP
-- A message over the size cap is recorded from its header alone (the whole stays on the server).
ALTER TABLE messages ADD COLUMN headers_only INTEGER NOT NULL DEFAULT 0;
)sql",
      // 3: the compliance record (issue 5). After it, Store::Migrate chains the existing events
      // (kChainTrailAfterVersion) before migration 4 makes the chain compulsory.
      R"sql(
DROP TRIGGER events_no_update;
ALTER TABLE events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
-- Policy 4.5.2: prohibited-use phrases found in the request ("; "-joined); approving a flagged
-- request needs an override reason (decisions.override_reason).
ALTER TABLE requests ADD COLUMN flags TEXT NOT NULL DEFAULT '';
-- Policy 4.5.3.3: reminders for an outcome that has not arrived.
ALTER TABLE requests ADD COLUMN reminders_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN last_reminder_at TEXT;
ALTER TABLE requests ADD COLUMN closed_at TEXT;  -- when it reached CLOSED, DENIED or WITHDRAWN
ALTER TABLE requests ADD COLUMN purged_at TEXT;  -- probe images and raw messages removed
ALTER TABLE decisions ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';
-- 'research': an approval of a subsequent search (policy 4.5.3.4).
ALTER TABLE decisions ADD COLUMN kind TEXT NOT NULL DEFAULT 'initial'
  CHECK (kind IN ('initial','research'));
ALTER TABLE searches ADD COLUMN outcome TEXT CHECK (outcome IN ('positive','none','inconclusive'));
UPDATE searches SET outcome = CASE positive_identification WHEN 1 THEN 'positive'
                                                           WHEN 0 THEN 'none' END;
ALTER TABLE searches ADD COLUMN outcome_rank INTEGER;      -- the candidate identified, if said
ALTER TABLE searches ADD COLUMN outcome_subject TEXT;
ALTER TABLE searches ADD COLUMN outcome_by TEXT;           -- who recorded it (requestor, analyst)
-- How many candidates a results reply listed: the audit compares it with the search.
ALTER TABLE outbox ADD COLUMN candidates_listed INTEGER;
)sql",
      // 4: the trail is chained; nothing may break the chain.
      R"sql(
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_chained BEFORE INSERT ON events
WHEN NEW.hash = '' OR NEW.id IS NOT coalesce((SELECT max(id) FROM events), 0) + 1
  OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM events ORDER BY id DESC LIMIT 1), '')
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: a row must chain to the last one'); END;
CREATE INDEX events_by_request ON events(request_id);
)sql",
      // 5: searches that can be reproduced (policy 4.5.3.3, 4.5.3.4) and probe quality that
      // travels with the results (4.3.4.1). Rows written before it keep '' / NULL: not recorded.
      R"sql(
ALTER TABLE searches ADD COLUMN gallery_snapshot TEXT NOT NULL DEFAULT '';  -- snapshot SHA-256
ALTER TABLE searches ADD COLUMN gallery_subjects INTEGER;
ALTER TABLE searches ADD COLUMN search_kernel TEXT NOT NULL DEFAULT '';  -- e.g. int8-avx512vnni
ALTER TABLE searches ADD COLUMN engine_settings TEXT NOT NULL DEFAULT '';  -- detector, flip, jitter

ALTER TABLE search_faces ADD COLUMN detector TEXT NOT NULL DEFAULT '';
ALTER TABLE search_faces ADD COLUMN quality_grade TEXT
  CHECK (quality_grade IN ('good','fair','poor'));
ALTER TABLE search_faces ADD COLUMN quality_reasons TEXT NOT NULL DEFAULT '';  -- one per line
ALTER TABLE search_faces ADD COLUMN inter_eye_px REAL;
ALTER TABLE search_faces ADD COLUMN sharpness REAL;
ALTER TABLE search_faces ADD COLUMN brightness REAL;
ALTER TABLE search_faces ADD COLUMN contrast REAL;
ALTER TABLE search_faces ADD COLUMN yaw_deg REAL;
ALTER TABLE search_faces ADD COLUMN roll_deg REAL;
ALTER TABLE search_faces ADD COLUMN image_edited INTEGER CHECK (image_edited IN (0,1));
ALTER TABLE search_faces ADD COLUMN image_signs TEXT NOT NULL DEFAULT '';  -- one per line
ALTER TABLE search_faces ADD COLUMN crop_jpeg BLOB;  -- the face as it is in the probe

-- What became of each probe in a search, so that none is silently dropped.
CREATE TABLE search_probes (
  search_id INTEGER NOT NULL REFERENCES searches(id),
  probe_id INTEGER NOT NULL REFERENCES probes(id),
  status TEXT NOT NULL CHECK (status IN ('searched','no_face','unreadable')),
  faces_found INTEGER NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  image_format TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (search_id, probe_id)
);
)sql",
      // 6: poison-message isolation (issue 9): attempts begun on each message still in the
      // mailbox, committed before the work starts; a message is set aside after too many.
      R"sql(
CREATE TABLE intake_attempts (
  mailbox TEXT NOT NULL,
  uidvalidity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',  -- '' when the attempt ended without a word (a crash)
  updated_at TEXT NOT NULL,
  PRIMARY KEY (mailbox, uidvalidity, uid)
);
)sql",
      // 7: threading looks a reply's references up by Message-ID in the outbox and the requests
      // (a message with 100,000 References took 43 s without these; issue 9).
      R"sql(
CREATE INDEX outbox_by_message_id ON outbox(message_id);
CREATE INDEX requests_by_thread_message_id ON requests(thread_message_id);
)sql",
      // 8: a duplicate is the same message, not the same Message-ID (copiers and form mailers
      // reuse theirs; issue 17): the digest of the message without its trace fields.
      R"sql(
ALTER TABLE messages ADD COLUMN content_sha256 TEXT;  -- mail::ContentDigest; NULL before schema 8
CREATE INDEX messages_by_content_sha256 ON messages(content_sha256);
)sql",
  };
  return kMigrations;
}

}  // namespace rtcc::casework
