// libFuzzer entry point for every reader of mail-derived text that is not MIME parsing: the
// casework text parsers (purpose, outcome, prohibited-use flags, withdrawal, missing items, request
// tags), subjects (reply prefixes, BaseSubject), threading (Message-ID lists, reply tokens), HTML
// to text, body fields, RFC 2047 and RFC 2231 decoding, and the reply composer fed with a fuzzed
// subject, sender name, Message-ID and References. Fast where mail_fuzzer is slow: no mimetic.
//
// The input is split at each 0x1E byte (ASCII record separator) into fields, so that libFuzzer can
// steer each reader on its own (fuzz/text.dict has the separator):
//   0 Subject header value       5 Message-ID / In-Reply-To header value
//   1 text body                  6 From display name (RFC 2047)
//   2 HTML body                  7 configured prohibited phrases, one per line
//   3 charset of the HTML body   8 Content-Disposition value (RFC 2231 filename)
//   4 References header value    9 composer controls: byte 0 the reply kind, byte 1 options;
//                                  the reply composer runs only when this field is present
// Besides ASan/UBSan findings, it traps on broken promises of the readers' contracts.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "casework/policy.h"
#include "casework/request_id.h"
#include "casework/store.h"
#include "casework/workflow.h"
#include "daemon/reply_composer.h"
#include "daemon/thread_token.h"
#include "fuzz/invariants.h"
#include "mail/body_fields.h"
#include "mail/encoded_words.h"
#include "mail/html_text.h"
#include "mail/incident_number.h"
#include "mail/mime_message.h"
#include "mail/rfc2231.h"
#include "mail/subject.h"
#include "templates/template_set.h"

namespace {

using rtcc::fuzz::Check;
using rtcc::fuzz::IsUtf8;

using rtcc::casework::OutcomeKind;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// RTCC-\d{4}-\d{6}, checked without the code under test.
bool LooksLikeRequestId(std::string_view s) {
  if (s.size() != 16 || s.substr(0, 5) != "RTCC-" || s[9] != '-') return false;
  for (std::size_t i : {5, 6, 7, 8, 10, 11, 12, 13, 14, 15})
    if (!IsDigit(s[i])) return false;
  return true;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (Lower(a[i]) != Lower(b[i])) return false;
  return true;
}

bool ContainsNoCase(std::string_view haystack, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i)
    if (EqualsNoCase(haystack.substr(i, needle.size()), needle)) return true;
  return needle.empty();
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// A header field value as mimetic gives it: a line break before a space or tab is unfolded, any
// other ends the field (a lone CR too). mail_fuzzer checks that no Message-ID keeps a line break.
std::string Unfolded(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\r' && c != '\n') {
      out += c;
      continue;
    }
    std::size_t next = i + (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n' ? 2 : 1);
    if (next >= raw.size() || (raw[next] != ' ' && raw[next] != '\t')) break;
    i = next - 1;
  }
  return out;
}

// A header as ParseMimeMessage gives it: unfolded, RFC 2047 decoded, trimmed.
std::string DecodedHeader(std::string_view raw) {
  return Trim(rtcc::mail::DecodeEncodedWords(Unfolded(raw)));
}

struct Fields {
  std::string_view subject, body, html, charset, references, message_id, from_name, phrases,
      disposition, controls;
  bool compose = false;
};

Fields Split(std::string_view input) {
  std::vector<std::string_view> parts;
  while (parts.size() < 9) {
    auto sep = input.find('\x1e');
    if (sep == std::string_view::npos) break;
    parts.push_back(input.substr(0, sep));
    input.remove_prefix(sep + 1);
  }
  bool compose = parts.size() == 9;
  parts.push_back(input);
  parts.resize(10);
  return {parts[0], parts[1], parts[2], parts[3], parts[4], parts[5],
          parts[6], parts[7], parts[8], parts[9], compose};
}

// --- casework/policy.h, casework/request_id.h -------------------------------------------------

void CheckPurpose(std::string_view text) {
  auto purpose = rtcc::casework::ClassifyPurpose(text);
  if (!purpose) return;
  std::string_view code = rtcc::casework::Code(*purpose);
  Check(code.size() == 1 && code[0] >= 'a' && code[0] <= 'e');
  Check(rtcc::casework::ParsePurposeCode(code) == purpose);
  Check(rtcc::casework::Describe(*purpose).substr(0, 8) == std::string("4.5.1(") + code[0] + ")");
}

void CheckOutcome(std::string_view text) {
  auto simple = rtcc::casework::ParseOutcome(text);
  auto report = rtcc::casework::ParseOutcomeReport(text);
  if (!report) {
    Check(!simple);  // what ParseOutcome reads, ParseOutcomeReport reads too
    return;
  }
  if (report->kind != OutcomeKind::kInconclusive)
    Check(simple && *simple == (report->kind == OutcomeKind::kPositive));
  Check(rtcc::casework::ParseOutcomeKind(rtcc::casework::ToString(report->kind)) == report->kind);
  if (report->rank) Check(*report->rank >= 0 && *report->rank <= 999);
  if (report->rank || report->subject) Check(report->kind == OutcomeKind::kPositive);
  if (report->subject) {
    Check(!report->subject->empty());
    for (char c : *report->subject)
      Check((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '_' ||
            c == '.' || c == '-');
  }
}

// Configured phrases as a site could write them: one per line, any bytes, at most 16 of at most
// 48 bytes (FindProhibitedUses is O(text x phrase) per phrase: fine for a site's configuration,
// which is not mail-derived; longer ones would only slow the fuzzer down).
std::vector<rtcc::casework::ProhibitedPhrase> ConfiguredPhrases(std::string_view text) {
  std::vector<rtcc::casework::ProhibitedPhrase> phrases;
  while (!text.empty() && phrases.size() < 16) {
    auto end = text.find('\n');
    std::string_view line = text.substr(0, std::min<std::size_t>(end, 48));
    phrases.push_back({std::string(line), "4.5.2(x) configured " + std::to_string(phrases.size())});
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return phrases;
}

void CheckProhibited(std::string_view text,
                     const std::vector<rtcc::casework::ProhibitedPhrase>& phrases) {
  auto flags = rtcc::casework::FindProhibitedUses(text, phrases);
  Check(flags.size() <= phrases.size());
  // One flag per phrase, in the phrases' order: `clause: "the words as written"`.
  std::size_t next = 0;
  for (const auto& flag : flags) {
    bool found = false;
    for (; next < phrases.size() && !found; ++next) {
      const auto& p = phrases[next];
      if (flag.rfind(p.clause + ": \"", 0) != 0 || flag.back() != '"') continue;
      std::string_view quoted(flag);
      quoted = quoted.substr(p.clause.size() + 3, quoted.size() - p.clause.size() - 4);
      std::string_view needle(p.phrase);
      if (!needle.empty() && needle.back() == '*') needle.remove_suffix(1);
      found = EqualsNoCase(quoted, needle) && text.find(quoted) != std::string_view::npos;
    }
    Check(found);
  }
}

void CheckWithdraw(std::string_view base_subject, std::string_view body) {
  bool asks = rtcc::casework::AsksToWithdraw(base_subject, body);
  // A "Withdraw" subject, or "please withdraw" as the first line, always asks.
  Check(rtcc::casework::AsksToWithdraw("Withdraw", body));
  Check(rtcc::casework::AsksToWithdraw(
      base_subject, std::string("please withdraw\n") + std::string(body.substr(0, 4096))));
  (void)asks;
}

void CheckMissing(std::string_view text, const rtcc::mail::BodyFields& fields) {
  rtcc::casework::RequestContents c;
  c.probe_images = text.empty() ? 0 : static_cast<unsigned char>(text[0]) % 3;
  c.incident_number = fields.incident_number;
  c.incident_type = fields.incident_type;
  c.purpose = fields.purpose;
  auto missing = rtcc::casework::MissingItems(c);
  Check(missing.size() <= 3);
  bool complete = c.probe_images > 0 && c.incident_type && c.purpose &&
                  rtcc::casework::ClassifyPurpose(*c.purpose);
  Check(missing.empty() == complete);
}

void CheckRequestTag(std::string_view subject) {
  auto tag = rtcc::casework::FindRequestTag(subject);
  if (!tag) return;
  Check(LooksLikeRequestId(*tag) && rtcc::casework::IsRequestId(*tag));
  Check(ContainsNoCase(subject, "[" + *tag + "]"));
}

void CheckIsRequestId(std::string_view text) {
  Check(rtcc::casework::IsRequestId(text) == LooksLikeRequestId(text));
}

// --- subjects ---------------------------------------------------------------------------------

void CheckSubject(std::string_view subject) {
  std::string stripped = rtcc::mail::StripReplyPrefixes(subject);
  Check(stripped.size() <= subject.size());
  Check(stripped.empty() || (!IsBlank(stripped.front()) && !IsBlank(stripped.back())));
  Check(rtcc::mail::StripReplyPrefixes(stripped) == stripped);  // idempotent
  // A suffix of the input, trimmed: prefixes are only taken from the front.
  Check(subject.find(stripped) != std::string_view::npos);
  // An auto-reply's subject stays one behind blanks (the prefix is read from the front).
  Check(!rtcc::mail::IsAutoReplySubject(subject) ||
        rtcc::mail::IsAutoReplySubject(" " + std::string(subject)));

  std::string base = rtcc::daemon::BaseSubject(std::string(subject));
  Check(base.size() <= subject.size());
  Check(!rtcc::casework::FindRequestTag(base));  // "without reply prefixes and tags"
  Check(rtcc::daemon::BaseSubject(base) == base);
  CheckRequestTag(subject);
}

// --- threading --------------------------------------------------------------------------------

const rtcc::daemon::ThreadToken& Tokens() {
  static const rtcc::daemon::ThreadToken tokens("text_fuzzer secret, 32 bytes long");
  return tokens;
}

void CheckToken(const std::string& id) {
  auto verified = Tokens().Verify(id);
  if (!verified) return;
  // Only the id a token names, and only a well-formed one, ever verifies.
  Check(LooksLikeRequestId(*verified));
  Check(id.rfind("rtcc." + *verified + ".", 0) == 0);
}

std::vector<std::string> CheckMessageIds(std::string_view value) {
  auto ids = rtcc::mail::ParseMessageIds(value);
  std::size_t opens = 0;
  for (char c : value) opens += c == '<';
  Check(ids.size() <= std::max<std::size_t>(opens, 1));
  // Between '<' and '>', trimmed; or the whole value, when it is one word without brackets.
  bool bare = opens == 0 || (ids.size() == 1 && ids[0] == Trim(value));
  for (const auto& id : ids) {
    Check(!id.empty() && !IsBlank(id.front()) && !IsBlank(id.back()));
    Check(bare ? id.find(' ') == std::string::npos : id.find('>') == std::string::npos);
    CheckToken(id);
  }
  auto any = Tokens().VerifyAny(ids);
  if (any) {
    bool proven = false;
    for (const auto& id : ids) proven = proven || Tokens().Verify(id) == any;
    Check(proven);
  }
  return ids;
}

// A token minted for one request verifies as that request; with its request id replaced by
// another well-formed one (digits from `other`), it verifies as no request.
void CheckForgery(std::string_view subject, std::string_view other) {
  std::string request_id = "RTCC-2026-000042";
  if (auto tag = rtcc::casework::FindRequestTag(subject)) request_id = *tag;
  std::string minted = Tokens().NewMessageId(request_id, "pd.test");
  Check(Tokens().Verify(minted) == request_id);
  Check(Tokens().VerifyAny({std::string(other), minted}) == request_id);
  std::string forged_id = "RTCC-0000-000000";
  for (std::size_t i = 0, k = 5; i < other.size() && k < forged_id.size(); ++i, ++k) {
    if (k == 9) ++k;
    forged_id[k] = static_cast<char>('0' + static_cast<unsigned char>(other[i]) % 10);
  }
  std::string forged = "rtcc." + forged_id + minted.substr(5 + request_id.size());
  auto verified = Tokens().Verify(forged);
  Check(forged_id == request_id ? verified == request_id : !verified);
}

// --- mail/ text readers -------------------------------------------------------------------------

// The text of `html` in `charset` (and, when one is given, as if none were, letting libxml2 read
// <meta>); returns the first.
std::string CheckHtml(std::string_view html, std::string_view charset) {
  std::string first;
  for (int pass = 0; pass < (charset.empty() ? 1 : 2); ++pass) {
    std::string text = rtcc::mail::HtmlToText(html, pass == 0 ? charset : std::string_view());
    Check(IsUtf8(text));
    // '\n' line ends, at most one blank line in a row, no blank line first or last, no trailing
    // blanks on a line.
    Check(text.find('\r') == std::string::npos);
    Check(text.find("\n\n\n") == std::string::npos);
    Check(text.empty() || (text.front() != '\n' && text.back() != '\n'));
    Check(text.find(" \n") == std::string::npos && (text.empty() || text.back() != ' '));
    if (pass == 0) first = std::move(text);
  }
  return first;
}

void CheckBodyFields(const rtcc::mail::BodyFields& f) {
  for (const auto* v : {&f.incident_number, &f.incident_type, &f.purpose, &f.outcome}) {
    if (!*v) continue;
    const std::string& s = **v;
    Check(!s.empty() && s.find('\n') == std::string::npos);
    for (char c : {s.front(), s.back()}) Check(!IsBlank(c) && c != '*');
  }
}

// Numbers of the department's format written without a label (subject, notes).
void CheckIncidentNumbers(std::string_view text) {
  static const rtcc::mail::IncidentNumberFormat kFormat("YY-NNNNNN");
  auto numbers = kFormat.FindAll(text);
  Check(numbers.size() <= 10);
  for (const auto& n : numbers) {
    Check(n.size() == 9 && n[2] == '-' && text.find(n) != std::string_view::npos);
    Check(std::count(numbers.begin(), numbers.end(), n) == 1);
  }
}

void CheckRfc2231(std::string_view field) {
  auto parsed = rtcc::mail::ParseParameterizedField(field);
  for (char c : parsed.value) Check(!(c >= 'A' && c <= 'Z'));
  for (const auto& p : parsed.parameters)
    for (char c : p.name) Check(!(c >= 'A' && c <= 'Z'));
  for (const char* name : {"filename", "name"})
    if (auto v = rtcc::mail::DecodeParameter(parsed.parameters, name)) Check(IsUtf8(*v));
}

// --- daemon/reply_composer.h ------------------------------------------------------------------

struct Composer {
  std::filesystem::path dir;
  std::unique_ptr<rtcc::casework::Store> store;
  std::unique_ptr<rtcc::templates::TemplateSet> templates;
  std::unique_ptr<rtcc::daemon::ReplyComposer> composer;
};

Composer& TheComposer() {
  static Composer* c = [] {
    auto* c = new Composer;
    std::string dir = (std::filesystem::temp_directory_path() / "rtcc-text-fuzzer-XXXXXX").string();
    if (!::mkdtemp(dir.data())) std::abort();
    c->dir = dir;
    c->store = std::make_unique<rtcc::casework::Store>(c->dir / "casework.sqlite");
    c->templates = std::make_unique<rtcc::templates::TemplateSet>(
        RTCC_TEMPLATES_DIR, rtcc::daemon::RequiredTemplates());
    c->composer = std::make_unique<rtcc::daemon::ReplyComposer>(
        *c->templates, rtcc::daemon::MailIdentity{"rtcc@pd.test", "RTCC", "-- RTCC desk"},
        Tokens());
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(TheComposer().dir, ignored);
    });
    return c;
  }();
  return *c;
}

// The value of header field `name` in a built message, unfolded ("" when absent).
std::string HeaderValue(std::string_view raw, std::string_view name) {
  std::string_view head = rtcc::mail::HeaderSection(raw);
  std::string value;
  bool in = false;
  while (!head.empty()) {
    auto end = head.find("\r\n");
    std::string_view line = head.substr(0, end);
    head.remove_prefix(end == std::string_view::npos ? head.size() : end + 2);
    if (!line.empty() && line[0] == ' ') {  // unfolding removes the CRLF only
      if (in) value += line;
      continue;
    }
    in = line.size() > name.size() && line.substr(0, name.size()) == name &&
         line[name.size()] == ':';
    if (in) value += line.substr(name.size() + 1);
  }
  return value;
}

// The header section of a reply: CRLF lines, only the fields rtcc writes, each once: nothing
// from the incoming mail can add a field or break a line. (The bytes of an incoming Message-ID
// are copied as they are, NUL and 8-bit ones included: BuildMessage only refuses line breaks.)
void CheckReplyHeader(std::string_view raw) {
  static const std::vector<std::string_view> kNames = {"Date",
                                                       "From",
                                                       "To",
                                                       "Subject",
                                                       "Message-ID",
                                                       "In-Reply-To",
                                                       "References",
                                                       "Auto-Submitted",
                                                       "MIME-Version",
                                                       "Content-Type",
                                                       "X-RTCC-Request",
                                                       "X-Auto-Response-Suppress",
                                                       "Content-Transfer-Encoding"};
  std::string_view head = rtcc::mail::HeaderSection(raw);
  Check(head.size() >= 4 && head.substr(head.size() - 4) == "\r\n\r\n");
  std::vector<bool> seen(kNames.size());
  std::size_t pos = 0;
  while (pos + 2 < head.size()) {
    auto end = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, end - pos);
    pos = end + 2;
    Check(!line.empty() && line.find_first_of("\r\n") == std::string_view::npos);
    if (line[0] == ' ') continue;  // a folded encoded word
    auto colon = line.find(':');
    Check(colon != std::string_view::npos);
    bool known = false;
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      if (line.substr(0, colon) != kNames[i]) continue;
      Check(!seen[i]);
      seen[i] = known = true;
    }
    Check(known);
  }
}

void Compose(const Fields& f, const std::string& subject, const std::vector<std::string>& refs,
             const std::vector<std::string>& message_ids, const rtcc::mail::BodyFields& body) {
  using rtcc::casework::ReplyKind;
  Composer& c = TheComposer();
  auto& store = *c.store;
  unsigned char kind = f.controls.empty() ? 0 : static_cast<unsigned char>(f.controls[0]);
  unsigned char options = f.controls.size() < 2 ? 0 : static_cast<unsigned char>(f.controls[1]);
  // The kinds intake sends (casework::IntakeReplyKinds), in the order of the seeds' first control
  // byte (make_text_seeds.py).
  static const ReplyKind kReplies[] = {ReplyKind::kAcknowledgement,    ReplyKind::kNeedsInfo,
                                       ReplyKind::kOutcomeRecorded,    ReplyKind::kOutcomeUnclear,
                                       ReplyKind::kOutcomeNeedsThread, ReplyKind::kWithdrawn,
                                       ReplyKind::kCannotWithdraw,     ReplyKind::kTooLarge};
  const ReplyKind reply = kReplies[kind % 8];

  rtcc::daemon::IncomingRef in;
  in.from_address = "det@pd.test";
  in.from_name = DecodedHeader(f.from_name);
  in.subject = subject;
  in.message_id = message_ids.empty() ? std::string() : message_ids.front();
  in.references = refs;
  in.outcome = body.outcome.value_or("");
  in.size = 30 << 20;
  in.size_limit = 25 << 20;
  auto filename = rtcc::mail::DecodeParameter(
      rtcc::mail::ParseParameterizedField(f.disposition).parameters, "filename");
  if (filename) in.unused_attachments = {*filename + " (application/pdf) was not used"};

  rtcc::casework::Transaction txn = store.Begin();  // never committed: rolled back
  rtcc::casework::IntakeResult result;
  result.reply = reply;
  bool with_request = reply != ReplyKind::kTooLarge || (options & 1);
  if (with_request) {
    rtcc::casework::NewRequest r;
    r.requestor = in.from_address;
    r.requestor_name = in.from_name;
    r.subject = subject;
    r.incident_number = body.incident_number;
    r.incident_type = body.incident_type;
    r.purpose_text = body.purpose;
    if (body.purpose)
      if (auto p = rtcc::casework::ClassifyPurpose(*body.purpose))
        r.purpose_code = std::string(rtcc::casework::Code(*p));
    r.thread_message_id = in.message_id;
    auto record = store.CreateRequest(r, "text_fuzzer");
    result.request_id = record.id;
    if (filename) store.AddProbe(record.id, std::nullopt, *filename, "image/jpeg", "sha", 1);
    result.missing = rtcc::casework::MissingItems(
        {filename ? 1 : 0, r.incident_number, r.incident_type, r.purpose_text});
  }
  bool queued = false;
  try {
    queued = c.composer->QueueIntakeReply(store, result, in);
  } catch (const std::exception&) {
    Check(false);  // a reply to mail anyone can send must not fail: the request would be stuck
  }
  Check(queued);
  auto mail = store.outbox().Pending();
  Check(mail.size() == 1);
  const std::string& raw = mail[0].raw;
  CheckReplyHeader(raw);
  std::string message_id = HeaderValue(raw, "Message-ID");
  Check(message_id.size() > 3 && message_id[0] == ' ' && message_id[1] == '<' &&
        message_id.back() == '>');
  message_id = message_id.substr(2, message_id.size() - 3);
  Check(message_id == mail[0].message_id);
  std::string reply_subject = rtcc::mail::DecodeEncodedWords(HeaderValue(raw, "Subject"));
  Check(IsUtf8(reply_subject));
  if (result.request_id) {
    // The reply's token and its subject tag name the request, whatever the incoming subject.
    Check(Tokens().Verify(message_id) == result.request_id);
    Check(rtcc::casework::FindRequestTag(reply_subject) == result.request_id);
  } else {
    Check(!Tokens().Verify(message_id));
  }
  std::string references = HeaderValue(raw, "References");
  auto out_refs = rtcc::mail::ParseMessageIds(references);
  Check(out_refs.size() <= 20);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Fields f = Split(input);

  // Subjects: as written and as ParseMimeMessage decodes them.
  std::string subject = DecodedHeader(f.subject);
  Check(IsUtf8(subject));
  CheckSubject(f.subject);
  if (subject != f.subject) CheckSubject(subject);
  CheckIsRequestId(f.subject);
  CheckIsRequestId(f.message_id);

  // The body as intake reads it: labelled fields, then the policy readers on them.
  rtcc::mail::BodyFields body = rtcc::mail::ExtractBodyFields(f.body);
  CheckBodyFields(body);
  CheckIncidentNumbers(subject);
  CheckIncidentNumbers(body.notes);
  CheckPurpose(f.body);
  if (body.purpose) CheckPurpose(*body.purpose);
  CheckOutcome(f.body);
  if (body.outcome) CheckOutcome(*body.outcome);
  CheckMissing(f.controls, body);
  CheckWithdraw(rtcc::mail::StripReplyPrefixes(subject), f.body);
  const auto& defaults = rtcc::casework::DefaultProhibitedPhrases();
  std::string request_text = subject + "\n" + body.incident_type.value_or("") + "\n" +
                             body.purpose.value_or("") + "\n" + body.notes;
  CheckProhibited(request_text, defaults);
  if (!f.phrases.empty()) CheckProhibited(request_text, ConfiguredPhrases(f.phrases));

  // Threading.
  CheckMessageIds(f.references);  // as written, and as the parser gives the fields
  CheckMessageIds(f.message_id);
  auto refs = CheckMessageIds(Unfolded(f.references));
  auto message_ids = CheckMessageIds(Unfolded(f.message_id));
  CheckForgery(f.subject, f.message_id);

  // HTML bodies (the text then goes through ExtractBodyFields, as for an HTML-only message).
  if (!f.html.empty()) {
    CheckBodyFields(rtcc::mail::ExtractBodyFields(CheckHtml(f.html, f.charset)));
  }

  // Header decoders.
  std::string name = rtcc::mail::DecodeEncodedWords(f.from_name);
  Check(IsUtf8(name));
  std::string encoded = rtcc::mail::EncodeHeaderValue(name);
  Check(rtcc::mail::DecodeEncodedWords(encoded) == name);  // what readers of the reply see
  CheckRfc2231(f.disposition);

  if (f.compose) Compose(f, subject, refs, message_ids, body);
  return 0;
}
