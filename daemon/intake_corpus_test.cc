// The corpus of tests/corpus/: one .eml per message shaped as Outlook, Gmail, Apple Mail, an
// iPhone, Postfix, Exchange... really send it, each run through the real intake processing
// (IntakeJob with the SQLite store, the spool, casework's workflow, the reply composer and the
// shipped templates) and checked against its expected outcome (the table kCorpus below).
//
// Face photos are never committed: a line "{{base64:<path under ../shared/faces>}}" in an .eml
// becomes the base64 of that photo when the test loads it, "{{heic-base64:<path>}}" the same photo
// encoded as HEIC (libheif), "{{random-base64:<bytes>}}" that many pseudo-random bytes (a video).
// "{{request-id}}" and "{{rtcc-message-id}}" become the id of the request the case's `after`
// message filed and the Message-ID (with its reply token) of the last reply rtcc sent about it.
// The .eml files are stored with LF line ends and delivered with CRLF, as IMAP serves them,
// except where a case says `lf_only`.
#include <gtest/gtest.h>
#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <random>
#include <regex>
#include <set>

#include "daemon/intake_job.h"
#include "mail/mime_message.h"
#include "matcher/test_images.h"

namespace rtcc::daemon {
namespace {

using casework::RequestState;

const std::filesystem::path kCorpusDir = RTCC_CORPUS_DIR;
const std::filesystem::path kFacesDir = RTCC_TEST_FACES_DIR;
constexpr std::int64_t kMaxMessageBytes = 2 * 1024 * 1024;  // the oversize case is ~3 MB
constexpr const char* kQuarantine = "rtcc-quarantine";

struct Case {
  const char* file;  // in tests/corpus/
  const char* what;  // what the message is, for the reader of a failure

  // --- what happened before it arrived ---
  const char* after = nullptr;  // a corpus file processed first: the request this one is about
  bool searched = false;        // `after`'s request was then approved, searched and answered
  bool require_auth = false;    // [senders] require_authentication = "dmarc", mx.pd.test
  bool lf_only = false;         // delivered as stored, with LF line ends

  // --- its expected outcome ---
  const char* kind = "request";  // messages.kind
  bool quarantined = false;      // moved to the quarantine folder
  // State of the request the message filed or was attached to; nullopt: none.
  std::optional<RequestState> state = std::nullopt;
  bool on_prior_request = false;  // attached to the request `after` filed (not a new one)
  int probes = 0;                 // probes of that request
  std::vector<std::string> probe_types = {};  // sniffed types, in order
  std::vector<std::string> probe_names = {};  // decoded file names, in order
  std::optional<std::string> incident_number = std::nullopt;
  std::optional<std::string> incident_type = std::nullopt;
  std::optional<std::string> purpose = std::nullopt;
  std::vector<std::string> notes_say = {};   // substrings of the request's notes
  const char* reply = "";                    // the reply queued in answer ("" none)
  std::vector<std::string> reply_says = {};  // substrings of that reply's text
  std::vector<std::string> events = {};      // "action: detail" prefixes among the request's events
  std::optional<bool> positive_identification = std::nullopt;  // the search log's outcome
};

const Case kCorpus[] = {
    {.file = "outlook_request.eml",
     .what = "Outlook 16: text+HTML alternative, JPEG attached, DKIM-signed, server vouched",
     .require_auth = true,
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .probe_types = {"image/jpeg"},
     .probe_names = {"Store camera 3.jpg"},
     .incident_number = "2026-114207",
     .incident_type = "Armed robbery",
     .purpose = "identify a suspect",
     .notes_say = {"register at 14:32"},
     .reply = "acknowledgement",
     .reply_says = {"Probe images:    1", "Store camera 3.jpg"}},
    {.file = "outlook_forwarded_probe.eml",
     .what = "Outlook 'forward as attachment': the probe is inside the message/rfc822 part",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .probe_types = {"image/jpeg"},
     .probe_names = {"IMG_4471.jpg"},
     .incident_number = "2026-114388",
     .incident_type = "Burglary",
     .purpose = "witness",
     .reply = "acknowledgement"},
    {.file = "apple_mail_inline_related.eml",
     .what = "Apple Mail: photo inline in the HTML (multipart/related, Content-ID)",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .probe_types = {"image/jpeg"},
     .probe_names = {"IMG_0412.jpeg"},
     .incident_number = "2026-114502",
     .incident_type = "Aggravated battery",
     .purpose = "victim unable to identify himself",
     .reply = "acknowledgement"},
    {.file = "iphone_heic.eml",
     .what = "iPhone Mail: HEIC photo from the Files app, 'Sent from my iPhone'",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .probe_types = {"image/heic"},
     .probe_names = {"IMG_5530.HEIC"},
     .incident_number = "2026-114610",
     .incident_type = "Unattended death",
     .purpose = "deceased person, no identification found",
     .reply = "acknowledgement"},
    {.file = "gmail_octet_stream_jpeg.eml",
     .what = "Gmail (allow-listed address): JPEG declared application/octet-stream, no extension",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .probe_types = {"image/jpeg"},
     .probe_names = {"probe"},
     .incident_type = "Retail theft",
     .purpose = "suspect",
     .reply = "acknowledgement"},
    {.file = "thunderbird_rfc2231_filename.eml",
     .what = "Thunderbird: RFC 2231 file name, UTF-8, continued over two parameters",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .probe_names = {"cámara entrada sur – 2026-11-20 14.32.jpg"},
     .incident_number = "2026-114733",
     .incident_type = "Robbery",
     .purpose = "suspect",
     .reply = "acknowledgement",
     .reply_says = {"cámara entrada sur – 2026-11-20 14.32.jpg"}},
    {.file = "outlook_rfc2047_filename.eml",
     .what = "Outlook: file name as an RFC 2047 encoded word in name= and filename=",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .probe_names = {"Cámara tienda 2.jpg"},
     .incident_number = "2026-114801",
     .incident_type = "Carjacking",
     .purpose = "suspect",
     .reply = "acknowledgement"},
    {.file = "latin1_body.eml",
     .what = "ISO-8859-1 text (quoted-printable), Spanish notes",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .incident_number = "2026-114855",
     .incident_type = "Robo",
     .purpose = "sospechoso (suspect)",
     .notes_say = {"Víctima agredida en la calle Ocho", "señal"},
     .reply = "acknowledgement"},
    {.file = "shift_jis_body.eml",
     .what = "Shift_JIS text (base64), Japanese notes from a liaison officer",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .incident_type = "Missing person",
     .purpose = "person unable to identify herself",
     .notes_say = {"観光客が道に迷っています"},
     .reply = "acknowledgement"},
    {.file = "outlook_html_only.eml",
     .what = "Outlook Web: text/html only, fields in paragraphs and a table",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .incident_number = "2026-115002",
     .incident_type = "Homicide",
     .purpose = "witness",
     .reply = "acknowledgement"},
    {.file = "quoted_printable_body.eml",
     .what = "Outlook: quoted-printable body, soft line breaks inside a field, =3D and =20",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .incident_number = "2026-115120",
     .incident_type = "Identity theft",
     .purpose = "identify a suspect who used the victim's card at the ATM on Flagler Street",
     .reply = "acknowledgement"},
    {.file = "lf_only_line_endings.eml",
     .what = "mutt on Linux, saved with LF line ends only",
     .lf_only = true,
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .incident_number = "2026-115200",
     .incident_type = "Fraud",
     .purpose = "suspect",
     .reply = "acknowledgement"},
    {.file = "oversize_video.eml",
     .what = "a request with a 3 MB video: over the size cap, answered from its header",
     .kind = "oversize",
     .reply = "too_large",
     .reply_says = {"MB"}},
    {.file = "no_probe.eml",
     .what = "Outlook: every field, no photo attached",
     .state = RequestState::kNeedsInfo,
     .incident_number = "2026-115301",
     .incident_type = "Robbery",
     .purpose = "suspect",
     .reply = "needs_info",
     .reply_says = {"a probe photograph"}},
    {.file = "corrupt_image.eml",
     .what = "a part declared image/jpeg that holds an HTML error page",
     .state = RequestState::kNeedsInfo,
     .incident_type = "Robbery",
     .purpose = "suspect",
     .reply = "needs_info",
     .reply_says = {"a probe photograph",
                    "IMG_2231.jpg (declared image/jpeg) was not used: it is not a readable image"},
     .events = {"attachment not used: IMG_2231.jpg (declared image/jpeg)"}},
    {.file = "spoofed_sender.eml",
     .what = "a look-alike domain (pd-test.com) not on the allow-list",
     .kind = "unauthorized",
     .quarantined = true},
    {.file = "forged_from_dkim_fail.eml",
     .what = "From the chief at pd.test, our server says DKIM and DMARC fail, a forged pass below",
     .require_auth = true,
     .kind = "unauthorized",
     .quarantined = true},
    {.file = "iphone_photo_only.eml",
     .what = "iPhone: a photo and one line, fields missing",
     .state = RequestState::kNeedsInfo,
     .probes = 1,
     .reply = "needs_info",
     .reply_says = {"the incident type", "the purpose of the search"}},
    {.file = "reply_completes_needs_info.eml",
     .what = "Outlook reply in the thread supplying the missing fields",
     .after = "iphone_photo_only.eml",
     .kind = "follow_up",
     .state = RequestState::kPendingApproval,
     .on_prior_request = true,
     .probes = 1,
     .incident_number = "2026-115377",
     .incident_type = "Strong-arm robbery",
     .purpose = "suspect",
     .reply = "acknowledgement",
     .events = {"follow-up received"}},
    {.file = "outcome_reply_in_thread.eml",
     .what = "Outlook reply to the results: Outcome: positive identification",
     .after = "outlook_request.eml",
     .searched = true,
     .kind = "outcome",
     .state = RequestState::kClosed,
     .on_prior_request = true,
     .probes = 1,
     .reply = "outcome_recorded",
     .positive_identification = true},
    {.file = "exchange_out_of_office.eml",
     .what = "Exchange out-of-office (Auto-Submitted, X-Auto-Response-Suppress) to rtcc's ack",
     .after = "outlook_request.eml",
     .kind = "auto_reply",
     .state = RequestState::kPendingApproval,
     .on_prior_request = true,
     .probes = 1,
     .events = {"automatic reply received: from john.smith@pd.test: Automatic reply:"}},
    {.file = "postfix_bounce.eml",
     .what = "Postfix DSN (multipart/report) about rtcc's results reply",
     .after = "outlook_request.eml",
     .searched = true,
     .kind = "delivery_report",
     .state = RequestState::kAwaitingOutcome,
     .on_prior_request = true,
     .probes = 1,
     .events = {"delivery failed: det.rivera@pd.test: 5.2.2 550 5.2.2 <det.rivera@pd.test>: "
                "Recipient address rejected: Mailbox full"}},
    {.file = "outlook_read_receipt.eml",
     .what = "Outlook read receipt (disposition-notification) for rtcc's ack",
     .after = "outlook_request.eml",
     .kind = "auto_reply",
     .state = RequestState::kPendingApproval,
     .on_prior_request = true,
     .probes = 1,
     .events = {"automatic reply received"}},
    {.file = "backscatter_bounce.eml",
     .what = "a bounce from our own server about a message rtcc never sent",
     .kind = "delivery_report"},
    {.file = "mailing_list_precedence.eml",
     .what = "a BOLO bulletin with a face photo through the department list (Precedence: list)",
     .kind = "automatic"},
    {.file = "empty_return_path.eml",
     .what = "an evidence-system notice from pd.test with Return-Path <>",
     .kind = "automatic"},
    {.file = "deeply_nested.eml",
     .what = "a chain of six forwards as attachments, the photo in the innermost",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .incident_number = "2026-115460",
     .incident_type = "Sexual battery",
     .purpose = "suspect",
     .reply = "acknowledgement"},
    {.file = "same_image_twice.eml",
     .what = "Outlook: the same photo inline in the HTML and attached again",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .incident_type = "Burglary",
     .purpose = "suspect",
     .reply = "acknowledgement",
     .reply_says = {"Probe images:    1"}},
    {.file = "pdf_beside_probe.eml",
     .what = "Outlook: the probe and the incident report as a PDF",
     .state = RequestState::kPendingApproval,
     .probes = 1,
     .probe_names = {"suspect_still.jpg"},
     .incident_number = "2026-115555",
     .incident_type = "Armed robbery",
     .purpose = "suspect",
     .reply = "acknowledgement",
     .reply_says = {"Incident_Report_2026-115555.pdf (application/pdf) was not used: only "
                    "photos are searched"},
     .events = {"attachment not used: Incident_Report_2026-115555.pdf (application/pdf)"}},
    {.file = "gmail_two_probes.eml",
     .what = "Gmail: two different photos of the suspect, one PNG",
     .state = RequestState::kPendingApproval,
     .probes = 2,
     .probe_types = {"image/jpeg", "image/png"},
     .incident_type = "Shoplifting",
     .purpose = "suspect",
     .reply = "acknowledgement",
     .reply_says = {"Probe images:    2"}},
};

// gtest names a failing case by its file, not by a dump of the struct's bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.file; }

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Base64 (mimetic's encoder) in lines of 76 characters, each ended by `eol`.
std::string Base64Lines(const std::vector<std::uint8_t>& bytes, const std::string& eol) {
  std::string encoded;
  mimetic::Base64::Encoder encoder;
  mimetic::encode(bytes.begin(), bytes.end(), encoder, std::back_inserter(encoded));
  std::string flat;
  for (char c : encoded)
    if (c != '\r' && c != '\n') flat += c;
  std::string out;
  for (std::size_t i = 0; i < flat.size(); i += 76) out += flat.substr(i, 76) + eol;
  return out;
}

// The photo as an iPhone would send it: HEIC. Empty when this libheif cannot encode HEVC.
std::vector<std::uint8_t> Heic(const std::filesystem::path& photo) {
  cv::Mat bgr = cv::imread(photo.string(), cv::IMREAD_COLOR);
  if (bgr.empty()) throw std::runtime_error("cannot decode " + photo.string());
  return matcher::testing::EncodeHeif(bgr, matcher::testing::HeifCodec::kHevc)
      .value_or(std::vector<std::uint8_t>{});
}

struct Prior {
  std::string request_id;
  std::string rtcc_message_id;
};

// The .eml with its placeholders expanded, in wire form.
std::string Load(const Case& c, const Prior& prior, bool* no_heic_encoder) {
  std::string text = ReadFile(kCorpusDir / c.file);
  if (text.find('\r') != std::string::npos)
    throw std::runtime_error(std::string(c.file) + " must be stored with LF line ends");
  static const std::regex kPlaceholder(R"(\{\{([a-z0-9-]+)(:([^}]*))?\}\}\n?)");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), kPlaceholder);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    out += text.substr(last, m.position(0) - last);
    last = m.position(0) + m.length(0);
    std::string name = m[1], arg = m[3];
    bool line = m.str(0).back() == '\n';
    std::string eol = line ? "\n" : "";
    if (name == "base64") {
      std::vector<std::uint8_t> bytes;
      std::string photo = ReadFile(kFacesDir / arg);
      bytes.assign(photo.begin(), photo.end());
      out += Base64Lines(bytes, "\n");
    } else if (name == "heic-base64") {
      auto heic = Heic(kFacesDir / arg);
      if (heic.empty()) *no_heic_encoder = true;
      out += Base64Lines(heic, "\n");
    } else if (name == "random-base64") {
      std::mt19937 rng(4);
      std::vector<std::uint8_t> bytes(std::stoul(arg));
      for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
      out += Base64Lines(bytes, "\n");
    } else if (name == "request-id") {
      out += prior.request_id + eol;
    } else if (name == "rtcc-message-id") {
      out += prior.rtcc_message_id + eol;
    } else {
      throw std::runtime_error(std::string(c.file) + ": unknown placeholder " + m.str(0));
    }
  }
  out += text.substr(last);
  if (c.lf_only) return out;
  std::string crlf;
  for (char ch : out) ch == '\n' ? crlf += "\r\n" : crlf += ch;
  return crlf;
}

class IntakeCorpus : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& ch : name)
      if (ch == '/') ch = '_';
    dir_ = std::filesystem::temp_directory_path() /
           ("rtcc-corpus-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::make_unique<casework::Store>(dir_ / "db.sqlite");
    spool_ = std::make_unique<casework::Spool>(dir_ / "spool");
    templates_ = std::make_unique<templates::TemplateSet>(RTCC_TEMPLATES_DIR, RequiredTemplates());
    replies_ = std::make_unique<ReplyComposer>(
        *templates_, MailIdentity{"rtcc@pd.test", "Real Time Crime Center", "RTCC"}, tokens_);
    config::SenderRules senders;
    senders.allowed_domains = {"pd.test"};
    senders.allowed_addresses = {"det.alvarez.mpd@gmail.com"};
    if (GetParam().require_auth) {
      senders.require_authentication = "dmarc";
      senders.authserv_id = "mx.pd.test";
    }
    config::MailboxSettings mailbox;
    mailbox.max_message_bytes = kMaxMessageBytes;
    job_ = std::make_unique<IntakeJob>(*store_, *spool_, *replies_, tokens_,
                                       IntakeSettings{mailbox, senders, "rtcc@pd.test", 10});
  }
  void TearDown() override {
    job_.reset();
    store_.reset();
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  // Takes `raw` as IntakeJob::Poll does (a message over the cap: its header only, the size as
  // the server reported it), records it and processes it. Returns its row.
  casework::MessageRecord Deliver(const std::string& raw) {
    static std::uint32_t uid = 0;
    bool headers_only = static_cast<std::int64_t>(raw.size()) > kMaxMessageBytes;
    std::string taken = raw;
    if (headers_only) {
      auto end = raw.find("\r\n\r\n");
      taken = raw.substr(0, end == std::string::npos ? raw.size() : end + 4);
    }
    std::string sha = spool_->Put("messages", taken);
    store_->RecordMessage({"INBOX", 7, ++uid, sha, mail::ParseMimeMessage(taken).message_id,
                           static_cast<std::int64_t>(raw.size()), headers_only});
    EXPECT_EQ(job_->ProcessSpooled(), 1);
    return *store_->FindMessage("INBOX", 7, uid);
  }

  // What the outbox job does once SMTP took a message: marks every queued reply sent.
  void SendAll() {
    auto txn = store_->Begin();
    for (const auto& m : store_->PendingMail()) {
      store_->MarkMailSending(m.id);
      casework::MarkReplySent(*store_, m);
    }
    txn.Commit();
  }

  // The case's `after` message: processed, then searched and answered when the case says so.
  Prior Before(const Case& c) {
    Prior prior;
    if (!c.after) return prior;
    bool unused = false;
    auto message = Deliver(Load(Case{.file = c.after, .what = "prior"}, prior, &unused));
    if (!message.request_id) throw std::runtime_error(std::string(c.after) + " filed nothing");
    prior.request_id = *message.request_id;
    if (c.searched) {
      auto txn = store_->Begin();
      casework::Approve(*store_, prior.request_id, "k.chen", "armed robbery suspect, clear probe");
      auto auth = casework::AuthorizeSearch(*store_, prior.request_id);
      casework::NewSearch search;
      search.model_id = "dlib_face_recognition_resnet_model_v1";
      search.threshold = 0.6;
      search.probes_searched = static_cast<int>(auth.probes.size());
      casework::FaceResult face;
      face.probe_id = auth.probes.at(0).id;
      face.face_index = 1;
      face.candidates = {{1, "John_Salley", "000183_02159543.jpg", 0.41}};
      search.faces = {face};
      casework::RecordSearchResults(*store_, auth, search);
      replies_->QueueResults(*store_, store_->GetRequest(prior.request_id),
                             *store_->LatestDecision(prior.request_id),
                             store_->Searches(prior.request_id).back());
      txn.Commit();
    }
    SendAll();
    prior.rtcc_message_id = store_->Mail(prior.request_id).back().message_id;
    return prior;
  }

  std::filesystem::path dir_;
  std::unique_ptr<casework::Store> store_;
  std::unique_ptr<casework::Spool> spool_;
  std::unique_ptr<templates::TemplateSet> templates_;
  ThreadToken tokens_{std::string(32, 'c')};
  std::unique_ptr<ReplyComposer> replies_;
  std::unique_ptr<IntakeJob> job_;
};

TEST_P(IntakeCorpus, ExpectedOutcome) {
  const Case& c = GetParam();
  SCOPED_TRACE(std::string(c.file) + ": " + c.what);
  Prior prior = Before(c);
  bool no_heic_encoder = false;
  std::string raw = Load(c, prior, &no_heic_encoder);
  if (no_heic_encoder) GTEST_SKIP() << "this libheif has no HEVC encoder";
  auto before = store_->ListRequests().size();

  casework::MessageRecord m = Deliver(raw);
  EXPECT_EQ(m.status, "processed");
  EXPECT_EQ(m.kind, c.kind) << m.note;
  EXPECT_EQ(job_->FolderFor(m.kind) == kQuarantine, c.quarantined) << m.note;

  // The request it filed or belongs to.
  ASSERT_EQ(m.request_id.has_value(), c.state.has_value()) << m.note;
  EXPECT_EQ(store_->ListRequests().size(), before + (c.state && !c.on_prior_request ? 1 : 0))
      << "a message files at most one request, and only when it should";
  if (c.on_prior_request) {
    EXPECT_EQ(m.request_id, prior.request_id);
  }
  if (c.state) {
    casework::RequestRecord r = store_->GetRequest(*m.request_id);
    EXPECT_EQ(r.state, *c.state) << casework::ToString(r.state);
    auto probes = store_->Probes(r.id);
    EXPECT_EQ(probes.size(), static_cast<std::size_t>(c.probes));
    for (std::size_t i = 0; i < c.probe_types.size() && i < probes.size(); ++i)
      EXPECT_EQ(probes[i].content_type, c.probe_types[i]);
    EXPECT_TRUE(c.probe_types.empty() || c.probe_types.size() == probes.size());
    for (std::size_t i = 0; i < c.probe_names.size() && i < probes.size(); ++i)
      EXPECT_EQ(probes[i].filename, c.probe_names[i]);
    EXPECT_TRUE(c.probe_names.empty() || c.probe_names.size() == probes.size());
    for (const auto& p : probes)  // what the matcher will read is what was attached
      EXPECT_EQ(spool_->Get("probes", p.sha256).size(), static_cast<std::size_t>(p.size));
    // A new request holds exactly the fields expected (none where none is listed); a request
    // the message belongs to is checked for the fields listed.
    if (!c.on_prior_request || c.incident_number) {
      EXPECT_EQ(r.incident_number, c.incident_number);
    }
    if (!c.on_prior_request || c.incident_type) {
      EXPECT_EQ(r.incident_type, c.incident_type);
    }
    if (!c.on_prior_request || c.purpose) {
      EXPECT_EQ(r.purpose_text, c.purpose);
    }
    for (const auto& s : c.notes_say) EXPECT_NE(r.notes.find(s), std::string::npos) << r.notes;
    std::string history;
    for (const auto& e : store_->Events(r.id)) history += e.action + ": " + e.detail + "\n";
    for (const auto& e : c.events)
      EXPECT_NE(history.find("\n" + e), std::string::npos) << e << "\nhistory:\n" << history;
  }
  if (c.positive_identification) {
    auto searches = store_->Searches(*m.request_id);
    ASSERT_FALSE(searches.empty());
    EXPECT_EQ(searches.back().positive_identification, c.positive_identification);
  }

  // The reply it gets, if any: exactly one, threaded to it, never for automatic mail.
  auto queued = store_->PendingMail();
  if (std::string(c.reply).empty()) {
    EXPECT_TRUE(queued.empty()) << queued.front().kind << " queued for " << c.file;
    return;
  }
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].kind, c.reply);
  mail::MimeMessage reply = mail::ParseMimeMessage(queued[0].raw);
  mail::MimeMessage incoming = mail::ParseMimeMessage(raw);
  EXPECT_EQ(queued[0].recipient, incoming.from_address);
  EXPECT_EQ(reply.in_reply_to, incoming.message_id);
  EXPECT_EQ(reply.auto_submitted, "auto-replied");
  for (const auto& s : c.reply_says)
    EXPECT_NE(reply.text_body.find(s), std::string::npos) << s << "\nreply:\n" << reply.text_body;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = std::filesystem::path(info.param.file).stem().string();
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, IntakeCorpus, ::testing::ValuesIn(kCorpus), CaseName);

// Every .eml in tests/corpus/ has its expected outcome in kCorpus, and there are at least 25.
TEST(IntakeCorpusTable, EveryMessageHasAnExpectedOutcome) {
  std::set<std::string> listed;
  for (const auto& c : kCorpus) listed.insert(c.file);
  std::set<std::string> on_disk;
  for (const auto& e : std::filesystem::directory_iterator(kCorpusDir))
    if (e.path().extension() == ".eml") on_disk.insert(e.path().filename().string());
  EXPECT_EQ(listed, on_disk);
  EXPECT_GE(on_disk.size(), 25u);
}

}  // namespace
}  // namespace rtcc::daemon
