#include "testing/corpus_cases.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <random>

#include "base/pattern.h"
#include "casework/workflow.h"
#include "testing/base64.h"
#include "testing/test_images.h"

namespace rtcc::testing {
namespace {

const std::filesystem::path kCorpusDir = RTCC_CORPUS_DIR;
const std::filesystem::path kFacesDir = RTCC_TEST_FACES_DIR;

}  // namespace

const std::vector<CorpusCase>& CorpusCases() {
  static const std::vector<CorpusCase> kCorpus = {
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
       .reply = ReplyKind::kAcknowledgement,
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
       .reply = ReplyKind::kAcknowledgement},
      {.file = "apple_mail_inline_related.eml",
       .what = "Apple Mail: photo inline in the HTML (multipart/related, Content-ID)",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .probe_types = {"image/jpeg"},
       .probe_names = {"IMG_0412.jpeg"},
       .incident_number = "2026-114502",
       .incident_type = "Aggravated battery",
       .purpose = "victim unable to identify himself",
       .reply = ReplyKind::kAcknowledgement},
      {.file = "iphone_heic.eml",
       .what = "iPhone Mail: HEIC photo from the Files app, 'Sent from my iPhone'",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .probe_types = {"image/heic"},
       .probe_names = {"IMG_5530.HEIC"},
       .incident_number = "2026-114610",
       .incident_type = "Unattended death",
       .purpose = "deceased person, no identification found",
       .reply = ReplyKind::kAcknowledgement},
      {.file = "gmail_octet_stream_jpeg.eml",
       .what = "Gmail (allow-listed address): JPEG declared application/octet-stream, no extension",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .probe_types = {"image/jpeg"},
       .probe_names = {"probe"},
       .incident_type = "Retail theft",
       .purpose = "suspect",
       .reply = ReplyKind::kAcknowledgement},
      {.file = "thunderbird_rfc2231_filename.eml",
       .what = "Thunderbird: RFC 2231 file name, UTF-8, continued over two parameters",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .probe_names = {"cámara entrada sur – 2026-11-20 14.32.jpg"},
       .incident_number = "2026-114733",
       .incident_type = "Robbery",
       .purpose = "suspect",
       .reply = ReplyKind::kAcknowledgement,
       .reply_says = {"cámara entrada sur – 2026-11-20 14.32.jpg"}},
      {.file = "outlook_rfc2047_filename.eml",
       .what = "Outlook: file name as an RFC 2047 encoded word in name= and filename=",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .probe_names = {"Cámara tienda 2.jpg"},
       .incident_number = "2026-114801",
       .incident_type = "Carjacking",
       .purpose = "suspect",
       .reply = ReplyKind::kAcknowledgement},
      {.file = "latin1_body.eml",
       .what = "ISO-8859-1 text (quoted-printable), Spanish notes",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .incident_number = "2026-114855",
       .incident_type = "Robo",
       .purpose = "sospechoso (suspect)",
       .notes_say = {"Víctima agredida en la calle Ocho", "señal"},
       .reply = ReplyKind::kAcknowledgement},
      {.file = "shift_jis_body.eml",
       .what = "Shift_JIS text (base64), Japanese notes from a liaison officer",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .incident_type = "Missing person",
       .purpose = "person unable to identify herself",
       .notes_say = {"観光客が道に迷っています"},
       .reply = ReplyKind::kAcknowledgement},
      {.file = "outlook_html_only.eml",
       .what = "Outlook Web: text/html only, fields in paragraphs and a table",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .incident_number = "2026-115002",
       .incident_type = "Homicide",
       .purpose = "witness",
       .reply = ReplyKind::kAcknowledgement},
      {.file = "quoted_printable_body.eml",
       .what = "Outlook: quoted-printable body, soft line breaks inside a field, =3D and =20",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .incident_number = "2026-115120",
       .incident_type = "Identity theft",
       .purpose = "identify a suspect who used the victim's card at the ATM on Flagler Street",
       .reply = ReplyKind::kAcknowledgement},
      {.file = "lf_only_line_endings.eml",
       .what = "mutt on Linux, saved with LF line ends only",
       .lf_only = true,
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .incident_number = "2026-115200",
       .incident_type = "Fraud",
       .purpose = "suspect",
       .reply = ReplyKind::kAcknowledgement},
      {.file = "oversize_video.eml",
       .what = "a request with a 3 MB video: over the size cap, answered from its header",
       .kind = MessageKind::kOversize,
       .reply = ReplyKind::kTooLarge,
       .reply_says = {"MB"}},
      {.file = "no_probe.eml",
       .what = "Outlook: every field, no photo attached",
       .state = RequestState::kNeedsInfo,
       .incident_number = "2026-115301",
       .incident_type = "Robbery",
       .purpose = "suspect",
       .reply = ReplyKind::kNeedsInfo,
       .reply_says = {"a probe photograph"}},
      {.file = "corrupt_image.eml",
       .what = "a part declared image/jpeg that holds an HTML error page",
       .state = RequestState::kNeedsInfo,
       .incident_type = "Robbery",
       .purpose = "suspect",
       .reply = ReplyKind::kNeedsInfo,
       .reply_says =
           {"a probe photograph",
            "IMG_2231.jpg (declared image/jpeg) was not used: it is not a readable image"},
       .events = {"attachment not used: IMG_2231.jpg (declared image/jpeg)"}},
      {.file = "spoofed_sender.eml",
       .what = "a look-alike domain (pd-test.com) not on the allow-list",
       .kind = MessageKind::kUnauthorized,
       .quarantined = true},
      {.file = "forged_from_dkim_fail.eml",
       .what =
           "From the chief at pd.test, our server says DKIM and DMARC fail, a forged pass below",
       .require_auth = true,
       .kind = MessageKind::kUnauthorized,
       .quarantined = true},
      {.file = "iphone_photo_only.eml",
       .what = "iPhone: a photo and one line, fields missing",
       .state = RequestState::kNeedsInfo,
       .probes = 1,
       .reply = ReplyKind::kNeedsInfo,
       .reply_says = {"the incident type", "the purpose of the search"}},
      {.file = "reply_completes_needs_info.eml",
       .what = "Outlook reply in the thread supplying the missing fields",
       .after = "iphone_photo_only.eml",
       .kind = MessageKind::kFollowUp,
       .state = RequestState::kPendingApproval,
       .on_prior_request = true,
       .probes = 1,
       .incident_number = "2026-115377",
       .incident_type = "Strong-arm robbery",
       .purpose = "suspect",
       .reply = ReplyKind::kAcknowledgement,
       .events = {"follow-up received"}},
      {.file = "outcome_reply_in_thread.eml",
       .what = "Outlook reply to the results: Outcome: positive identification",
       .after = "outlook_request.eml",
       .searched = true,
       .kind = MessageKind::kOutcome,
       .state = RequestState::kClosed,
       .on_prior_request = true,
       .probes = 1,
       .reply = ReplyKind::kOutcomeRecorded,
       .positive_identification = true},
      {.file = "exchange_out_of_office.eml",
       .what = "Exchange out-of-office (Auto-Submitted, X-Auto-Response-Suppress) to rtcc's ack",
       .after = "outlook_request.eml",
       .kind = MessageKind::kAutoReply,
       .state = RequestState::kPendingApproval,
       .on_prior_request = true,
       .probes = 1,
       .events = {"automatic reply received: from john.smith@pd.test: Automatic reply:"}},
      {.file = "postfix_bounce.eml",
       .what = "Postfix DSN (multipart/report) about rtcc's results reply",
       .after = "outlook_request.eml",
       .searched = true,
       .kind = MessageKind::kDeliveryReport,
       .state = RequestState::kAwaitingOutcome,
       .on_prior_request = true,
       .probes = 1,
       .events = {"delivery failed: det.rivera@pd.test: 5.2.2 550 5.2.2 <det.rivera@pd.test>: "
                  "Recipient address rejected: Mailbox full"}},
      {.file = "outlook_read_receipt.eml",
       .what = "Outlook read receipt (disposition-notification) for rtcc's ack",
       .after = "outlook_request.eml",
       .kind = MessageKind::kAutoReply,
       .state = RequestState::kPendingApproval,
       .on_prior_request = true,
       .probes = 1,
       .events = {"automatic reply received"}},
      {.file = "backscatter_bounce.eml",
       .what = "a bounce from our own server about a message rtcc never sent",
       .kind = MessageKind::kDeliveryReport},
      {.file = "mailing_list_precedence.eml",
       .what = "a BOLO bulletin with a face photo through the department list (Precedence: list)",
       .kind = MessageKind::kAutomatic},
      {.file = "empty_return_path.eml",
       .what = "an evidence-system notice from pd.test with Return-Path <>",
       .kind = MessageKind::kAutomatic},
      {.file = "deeply_nested.eml",
       .what = "a chain of six forwards as attachments, the photo in the innermost",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .incident_number = "2026-115460",
       .incident_type = "Sexual battery",
       .purpose = "suspect",
       .reply = ReplyKind::kAcknowledgement},
      {.file = "same_image_twice.eml",
       .what = "Outlook: the same photo inline in the HTML and attached again",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .incident_type = "Burglary",
       .purpose = "suspect",
       .reply = ReplyKind::kAcknowledgement,
       .reply_says = {"Probe images:    1"}},
      {.file = "pdf_beside_probe.eml",
       .what = "Outlook: the probe and the incident report as a PDF",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .probe_names = {"suspect_still.jpg"},
       .incident_number = "2026-115555",
       .incident_type = "Armed robbery",
       .purpose = "suspect",
       .reply = ReplyKind::kAcknowledgement,
       .reply_says = {"Incident_Report_2026-115555.pdf (application/pdf) was not used: only "
                      "photos are searched"},
       .events = {"attachment not used: Incident_Report_2026-115555.pdf (application/pdf)"}},
      {.file = "exchange_transport_rule_suppress.eml",
       .what = "A person's request stamped X-Auto-Response-Suppress: All by an Exchange transport "
               "rule: the header asks for no auto-replies, it does not make the mail automatic",
       .state = RequestState::kPendingApproval,
       .probes = 1,
       .probe_types = {"image/jpeg"},
       .probe_names = {"pump4.jpg"},
       .incident_number = "2026-115031",
       .incident_type = "Carjacking",
       .purpose = "identify a suspect",
       .reply = ReplyKind::kAcknowledgement},
      {.file = "gmail_two_probes.eml",
       .what = "Gmail: two different photos of the suspect, one PNG",
       .state = RequestState::kPendingApproval,
       .probes = 2,
       .probe_types = {"image/jpeg", "image/png"},
       .incident_type = "Shoplifting",
       .purpose = "suspect",
       .reply = ReplyKind::kAcknowledgement,
       .reply_says = {"Probe images:    2"}},
  };
  return kCorpus;
}

namespace {

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `bytes` as Base64 lines of 76 characters ended by LF (the corpus files' line ends).
std::string Base64Lf(const std::vector<std::uint8_t>& bytes) {
  return Base64Lines({reinterpret_cast<const char*>(bytes.data()), bytes.size()}, 76, "\n");
}

// The photo as an iPhone would send it: HEIC. Empty when this libheif cannot encode HEVC.
std::vector<std::uint8_t> Heic(const std::filesystem::path& photo) {
  cv::Mat bgr = cv::imread(photo.string(), cv::IMREAD_COLOR);
  if (bgr.empty()) throw std::runtime_error("cannot decode " + photo.string());
  return EncodeHeif(bgr, HeifCodec::kHevc).value_or(std::vector<std::uint8_t>{});
}

}  // namespace

std::string LoadCorpusMessage(const CorpusCase& c, const CorpusPrior& prior,
                              bool* no_heic_encoder) {
  std::string text = ReadFile(kCorpusDir / c.file);
  if (text.find('\r') != std::string::npos)
    throw std::runtime_error(std::string(c.file) + " must be stored with LF line ends");
  static const auto kPlaceholder =
      base::CompilePattern(R"((\{\{([a-z0-9-]+)(?::([^}]*))?\}\}\n?))");
  std::string out;
  std::size_t last = 0;
  re2::StringPiece rest(text);
  std::string whole;
  std::string name;
  std::string arg;
  while (RE2::FindAndConsume(&rest, *kPlaceholder, &whole, &name, &arg)) {
    std::size_t position = static_cast<std::size_t>(rest.data() - text.data()) - whole.size();
    out += text.substr(last, position - last);
    last = position + whole.size();
    bool line = whole.back() == '\n';
    std::string eol = line ? "\n" : "";
    if (name == "base64") {
      out += Base64Lines(ReadFile(kFacesDir / arg), 76, "\n");
    } else if (name == "heic-base64") {
      auto heic = Heic(kFacesDir / arg);
      if (heic.empty()) *no_heic_encoder = true;
      out += Base64Lf(heic);
    } else if (name == "random-base64") {
      std::mt19937 rng(4);
      std::vector<std::uint8_t> bytes(std::stoul(arg));
      for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
      out += Base64Lf(bytes);
    } else if (name == "request-id") {
      out += prior.request_id + eol;
    } else if (name == "rtcc-message-id") {
      out += prior.rtcc_message_id + eol;
    } else {
      throw std::runtime_error(std::string(c.file) + ": unknown placeholder " + whole);
    }
  }
  out += text.substr(last);
  if (c.lf_only) return out;
  std::string crlf;
  for (char ch : out) ch == '\n' ? crlf += "\r\n" : crlf += ch;
  return crlf;
}

void ApproveSearchAndAnswer(casework::Store& store, daemon::ReplyComposer& replies,
                            const std::string& request_id) {
  auto txn = store.Begin();
  casework::Approve(store, request_id, "k.chen", "armed robbery suspect, clear probe");
  auto auth = casework::AuthorizeSearch(store, request_id);
  casework::NewSearch search;
  search.model_id = "dlib_face_recognition_resnet_model_v1";
  search.threshold = 0.6;
  search.probes_searched = static_cast<int>(auth.probes.size());
  casework::FaceResult face;
  face.probe_id = auth.probes.at(0).id;
  face.face_index = 1;
  face.candidates = {{1, "John_Salley", "000183_02159543.jpg", 0.41}};
  search.faces = {face};
  casework::RecordSearchResults(store, auth, search);
  replies.QueueResults(store, store.GetRequest(request_id), *store.LatestDecision(request_id),
                       store.Searches(request_id).back());
  txn.Commit();
}

void PrintTo(const CorpusCase& c, std::ostream* os) { *os << c.file; }

void SendAllQueued(casework::Store& store) {
  auto txn = store.Begin();
  for (const auto& m : store.outbox().Pending()) {
    store.outbox().MarkSending(m.id);
    casework::MarkReplySent(store, m);
  }
  txn.Commit();
}

}  // namespace rtcc::testing
