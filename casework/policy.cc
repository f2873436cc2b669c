#include "casework/policy.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "base/enum_names.h"
#include "base/pattern.h"
#include "base/strings.h"

namespace rtcc::casework {
namespace {

using base::Lower;

struct PurposeInfo {
  Purpose purpose;
  std::string_view code;
  std::string_view description;
  const char* pattern;  // words that name this use, matched case-insensitively
};

// Order matters: the first match wins, so the narrower uses come before criminal investigation.
const std::array<PurposeInfo, 5> kPurposes = {{
    {Purpose::kInternalAffairs, "b",
     "4.5.1(b) Internal Affairs investigation: principal officer, witness or involved person",
     R"(\binternal\s+affairs\b|\bi\.?a\.?\b|\bprofessional\s+(standards|compliance)\b)"},
    {Purpose::kDeceased, "d", "4.5.1(d) unidentified deceased person",
     R"(\bdeceased\b|\bdead\b|\bd\.?o\.?a\.?\b|\bcorpse\b|\bhomicide\s+victim\s+unidentified\b|\bremains\b)"},
    {Purpose::kDetainedRefusing, "e",
     "4.5.1(e) lawfully detained person refusing to identify or whose identity cannot be "
     "established",
     R"(\bdetain(ed|ee)\b|\barrest(ed|ee)\b.*\b(refus|identity)|\brefus(es|ed|ing)\s+to\s+identify|\bin\s+custody\b)"},
    {Purpose::kUnableToIdentify, "c",
     "4.5.1(c) person unable to identify themselves (in need of assistance)",
     R"(\bunable\s+to\s+identify\b|\bcannot\s+identify\s+(him|her|them)sel(f|ves)\b|\bmissing\s+person\b|\bamnesia\b|\bdementia\b|\bincapacitat|\bunconscious\b|\bnon[- ]?verbal\b|\bneeds?\s+assistance\b|\bwelfare\b)"},
    {Purpose::kCriminalInvestigation, "a",
     "4.5.1(a) criminal investigation: potential suspect, witness or victim",
     R"(\bsuspects?\b|\bwitness(es)?\b|\bvictims?\b|\bperpetrator\b|\boffender\b|\bcriminal\b|\bperson\s+of\s+interest\b|\bpoi\b)"},
}};

const PurposeInfo& Info(Purpose p) {
  for (const auto& info : kPurposes)
    if (info.purpose == p) return info;
  return kPurposes.back();
}

}  // namespace

std::string_view Describe(Purpose purpose) { return Info(purpose).description; }
std::string_view Code(Purpose purpose) { return Info(purpose).code; }

std::optional<Purpose> ParsePurposeCode(std::string_view code) {
  for (const auto& info : kPurposes)
    if (info.code == code) return info.purpose;
  return std::nullopt;
}

std::optional<Purpose> ClassifyPurpose(std::string_view text) {
  // An explicit clause reference: "4.5.1(c)", "4.5.1 c", or a lone letter "c" / "(c)".
  static const auto kClause = base::CompilePattern(
      R"(^\s*(?:4\.5\.1\s*)?\(?([a-e])\)?\s*[.:)-]?\s*$|4\.5\.1\s*\(?([a-e])\)?)",
      base::Case::kInsensitive);
  static const auto kUses = [] {
    std::vector<std::pair<Purpose, std::unique_ptr<const RE2>>> uses;
    for (const auto& info : kPurposes)
      uses.emplace_back(info.purpose, base::CompilePattern(info.pattern, base::Case::kInsensitive));
    return uses;
  }();
  re2::StringPiece t(text.data(), text.size());
  std::string first;
  std::string second;
  if (RE2::PartialMatch(t, *kClause, &first, &second))
    return ParsePurposeCode(Lower(first.empty() ? second : first));
  for (const auto& [purpose, re] : kUses)
    if (RE2::PartialMatch(t, *re)) return purpose;
  return std::nullopt;
}

std::vector<std::string> MissingItems(const RequestContents& c) {
  std::vector<std::string> missing;
  if (c.probe_images == 0)
    missing.push_back("a probe photograph (attach the image file — JPEG or PNG — to your email)");
  if (!c.incident_type)
    missing.push_back("the incident type (a line such as \"Incident Type: Robbery\")");
  if (!c.purpose)
    missing.push_back(
        "the purpose of the search (a line such as \"Purpose: identify a suspect\"; policy 4.5.1 "
        "allows: a criminal investigation's suspect, witness or victim; an Internal Affairs "
        "investigation; a person unable to identify themselves; an unidentified deceased person; a "
        "lawfully detained person refusing to identify themselves)");
  else if (!ClassifyPurpose(*c.purpose))
    missing.push_back(
        "a purpose that is one of the authorized uses of policy 4.5.1 (\"" + *c.purpose +
        "\" is not one of them: say whether the person is a suspect, witness or victim "
        "in a criminal investigation, involved in an Internal Affairs investigation, "
        "unable to identify themselves, deceased, or lawfully detained and refusing to "
        "identify themselves)");
  return missing;
}

bool IsAuthorizedSender(std::string_view address, const std::vector<std::string>& allowed_domains,
                        const std::vector<std::string>& allowed_addresses) {
  std::string a = Lower(address);
  auto at = a.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == a.size()) return false;
  for (const auto& allowed : allowed_addresses)
    if (Lower(allowed) == a) return true;
  std::string domain = a.substr(at + 1);
  for (const auto& d : allowed_domains)
    if (Lower(d) == domain) return true;
  return false;
}

const std::vector<std::string>& ResultCaveats() {
  static const std::vector<std::string> kCaveats = {
      "A facial recognition search result is a potential investigative lead based on algorithmic "
      "similarity, not an identification. A positive facial recognition search result alone does "
      "not constitute probable cause for arrest (policy 4.3.3, 4.3.4).",
      "The result must be evaluated by the arresting officer or lead investigator and corroborated "
      "by investigative follow-up: reviewing all relevant reports, conducting interviews, "
      "presenting photographic line-ups, and examining all other evidence such as latent prints "
      "and DNA. Take the quality of the probe photograph and of the search results into "
      "consideration (policy 4.3.4.1).",
      "Do not focus solely on the top-ranked candidate: guard against confirmation bias and make a "
      "reasonable effort to fully investigate the other possible suspects listed (policy 4.5.3.2). "
      "Keep all search results in the case file where the investigation requires one.",
      "Facial recognition has known limitations, including algorithmic biases toward some "
      "demographic groups (policy 4.4).",
  };
  return kCaveats;
}

const std::string& PoorQualityWarning() {
  static const std::string kWarning =
      "WARNING: this face is of POOR quality for facial recognition. Its candidates are much less "
      "reliable than usual: treat them with particular caution and weigh the probe's quality "
      "before any action (policy 4.3.4.1).";
  return kWarning;
}

constexpr base::EnumNames<OutcomeKind, 3> kOutcomeKindNames = {{
    {OutcomeKind::kPositive, "positive"},
    {OutcomeKind::kNone, "none"},
    {OutcomeKind::kInconclusive, "inconclusive"},
}};

std::string_view ToString(OutcomeKind kind) {
  return base::NameOf(kOutcomeKindNames, kind, "unknown");
}

std::optional<OutcomeKind> ParseOutcomeKind(std::string_view text) {
  return base::ValueOf(kOutcomeKindNames, text);
}

const std::vector<ProhibitedPhrase>& DefaultProhibitedPhrases() {
  static const std::vector<ProhibitedPhrase> kPhrases = {
      {"personal", "4.5.2(a) personal use"},
      {"my ex", "4.5.2(a) personal use"},
      {"girlfriend", "4.5.2(a) personal use"},
      {"boyfriend", "4.5.2(a) personal use"},
      {"dating", "4.5.2(a) personal use"},
      {"curious", "4.5.2(a) personal use"},
      {"for a friend", "4.5.2(a) personal use"},
      {"harass*", "4.5.2(b) harassment or intimidation"},
      {"intimidat*", "4.5.2(b) harassment or intimidation"},
      {"protest*", "4.5.2(c) protected activity or class"},
      {"rally", "4.5.2(c) protected activity or class"},
      {"demonstrators", "4.5.2(c) protected activity or class"},
      {"activist*", "4.5.2(c) protected activity or class"},
      {"religio*", "4.5.2(c) protected activity or class"},
      {"mosque", "4.5.2(c) protected activity or class"},
      {"church", "4.5.2(c) protected activity or class"},
      {"synagogue", "4.5.2(c) protected activity or class"},
      {"political", "4.5.2(c) protected activity or class"},
      {"ethnicity", "4.5.2(c) protected activity or class"},
      {"sexual orientation", "4.5.2(c) protected activity or class"},
      {"real-time", "4.5.2(d) real-time monitoring"},
      {"real time", "4.5.2(d) real-time monitoring"},
      {"live feed", "4.5.2(d) real-time monitoring"},
      {"live camera", "4.5.2(d) real-time monitoring"},
      {"monitor*", "4.5.2(d) real-time monitoring"},
      {"track*", "4.5.2(d) real-time monitoring"},
      {"surveil*", "4.5.2(c)/(d) surveillance"},
  };
  return kPhrases;
}

std::vector<std::string> FindProhibitedUses(std::string_view text,
                                            const std::vector<ProhibitedPhrase>& phrases) {
  std::string t = Lower(text);
  std::vector<std::string> flags;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (const auto& p : phrases) {
    std::string needle = Lower(p.phrase);
    bool prefix = !needle.empty() && needle.back() == '*';
    if (prefix) needle.pop_back();
    if (needle.empty()) continue;
    for (std::size_t at = t.find(needle); at != std::string::npos; at = t.find(needle, at + 1)) {
      std::size_t end = at + needle.size();
      if (at > 0 && word(t[at - 1])) continue;
      if (!prefix && end < t.size() && word(t[end])) continue;
      flags.push_back(p.clause + ": \"" + std::string(text.substr(at, end - at)) + "\"");
      break;
    }
  }
  return flags;
}

bool AsksToWithdraw(std::string_view base_subject, std::string_view body) {
  static const auto kSubject =
      base::CompilePattern(R"(^\s*(withdraw|cancel)\b)", base::Case::kInsensitive);
  static const auto kBody = base::CompilePattern(
      R"(^\s*(withdraw\s*:\s*(yes|y|true)\b|please\s+(withdraw|cancel)\b|(i\s+)?(withdraw|cancel)\s+(this|my|the)\s+request\b))",
      base::Case::kInsensitive);
  if (RE2::PartialMatch(re2::StringPiece(base_subject.data(), base_subject.size()), *kSubject))
    return true;
  // The first five lines with text: a request to withdraw is said first, not deep in a reply.
  int lines = 0;
  for (std::size_t start = 0; lines < 5 && start < body.size();) {
    std::size_t end = std::min(body.find('\n', start), body.size());
    std::string_view line = body.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ++lines;
    if (RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *kBody)) return true;
  }
  return false;
}

}  // namespace rtcc::casework
