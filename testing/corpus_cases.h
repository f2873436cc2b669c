// Test support (the corpus tests only): the messages of tests/corpus/ with their expected
// outcomes, and the loader that turns each .eml into the bytes a mail server would hand rtcc.
//
// Face photos are never committed: a line "{{base64:<path under ../shared/faces>}}" in an .eml
// becomes the base64 of that photo when it is loaded, "{{heic-base64:<path>}}" the same photo
// encoded as HEIC (libheif), "{{random-base64:<bytes>}}" that many pseudo-random bytes (a video).
// "{{request-id}}" and "{{rtcc-message-id}}" become the id of the request the case's `after`
// message filed and the Message-ID (with its reply token) of the last reply rtcc sent about it.
// The .eml files are stored with LF line ends and delivered with CRLF, as IMAP serves them,
// except where a case says `lf_only`.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "casework/request_state.h"
#include "casework/store.h"
#include "daemon/reply_composer.h"

namespace rtcc::testing {

using casework::MessageKind;
using casework::ReplyKind;
using casework::RequestState;

struct CorpusCase {
  const char* file;  // in tests/corpus/
  const char* what;  // what the message is, for the reader of a failure

  // --- what happened before it arrived ---
  const char* after = nullptr;  // a corpus file processed first: the request this one is about
  bool searched = false;        // `after`'s request was then approved, searched and answered
  bool require_auth = false;    // [senders] require_authentication = "dmarc", mx.pd.test
  bool lf_only = false;         // delivered as stored, with LF line ends

  // --- its expected outcome ---
  MessageKind kind = MessageKind::kRequest;  // messages.kind
  bool quarantined = false;                  // moved to the quarantine folder
  // State of the request the message filed or was attached to; nullopt: none.
  std::optional<RequestState> state = std::nullopt;
  bool on_prior_request = false;  // attached to the request `after` filed (not a new one)
  int probes = 0;                 // probes of that request
  std::vector<std::string> probe_types = {};  // sniffed types, in order
  std::vector<std::string> probe_names = {};  // decoded file names, in order
  std::optional<std::string> incident_number = std::nullopt;
  std::optional<std::string> incident_type = std::nullopt;
  std::optional<std::string> purpose = std::nullopt;
  std::vector<std::string> notes_say = {};        // substrings of the request's notes
  std::optional<ReplyKind> reply = std::nullopt;  // the reply queued in answer
  std::vector<std::string> reply_says = {};       // substrings of that reply's text
  std::vector<std::string> events = {};  // "action: detail" prefixes among the request's events
  std::optional<bool> positive_identification = std::nullopt;  // the search log's outcome
};

// gtest names a failing case by its file, not by a dump of the struct's bytes.
void PrintTo(const CorpusCase& c, std::ostream* os);

// Every message of tests/corpus/ with its expected outcome, in a fixed order.
const std::vector<CorpusCase>& CorpusCases();

// What the case's `after` message left behind.
struct CorpusPrior {
  std::string request_id;
  std::string rtcc_message_id;  // the last reply rtcc sent about that request
};

// The case's .eml with its placeholders expanded, in wire form. Sets *no_heic_encoder when a HEIC
// was asked for and this libheif cannot encode one. Throws std::runtime_error for an unreadable
// file, a stored CR or an unknown placeholder.
std::string LoadCorpusMessage(const CorpusCase& c, const CorpusPrior& prior, bool* no_heic_encoder);

// What an analyst and the search job do for a case with `searched`: approve `request_id`, record
// a search with one candidate and queue its results reply, in one transaction.
void ApproveSearchAndAnswer(casework::Store& store, daemon::ReplyComposer& replies,
                            const std::string& request_id);

// What the outbox job does once SMTP took a message: marks every queued reply sent.
void SendAllQueued(casework::Store& store);

}  // namespace rtcc::testing
