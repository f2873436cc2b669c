// The rules of the department policy (../shared/policy/facial-recognition-policy.txt) that decide
// what a request must carry, who may file one, and what every result must say.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtcc::casework {

// Policy 4.5.1: the only authorized uses, a) to e).
enum class Purpose {
  kCriminalInvestigation,  // a) suspects, witnesses, victims in a criminal investigation
  kInternalAffairs,        // b) principals, witnesses, involved persons in an IA investigation
  kUnableToIdentify,       // c) persons unable to identify themselves
  kDeceased,               // d) unidentified deceased persons
  kDetainedRefusing,       // e) lawfully detained persons refusing to identify themselves
};

// "4.5.1(a) criminal investigation: suspect, witness or victim", for replies and the CLI.
std::string_view Describe(Purpose purpose);
std::string_view Code(Purpose purpose);  // "a".."e"
std::optional<Purpose> ParsePurposeCode(std::string_view code);

// Lenient reading of what the requestor wrote ("identify a suspect", "IA case", "DOA",
// "4.5.1(c)", "b"...). std::nullopt when it names no authorized use.
std::optional<Purpose> ClassifyPurpose(std::string_view text);

// What a request must carry before it can be approved (policy 4.5.3.1 and 4.5.1).
struct RequestContents {
  int probe_images = 0;
  std::optional<std::string> incident_number;
  std::optional<std::string> incident_type;
  std::optional<std::string> purpose;
};

// One sentence per missing piece, in a fixed order; empty when the request is complete.
// The incident number is "if applicable" (4.5.3.1) and never required.
std::vector<std::string> MissingItems(const RequestContents& contents);

// Policy 4.5: only authorized personnel. True when `address` (lower-case addr-spec) is on the
// roster or its domain is an allowed domain. Comparison is case-insensitive.
bool IsAuthorizedSender(std::string_view address, const std::vector<std::string>& allowed_domains,
                        const std::vector<std::string>& allowed_addresses);

// Policy 4.3.4, 4.3.4.1 and 4.5.3.2: the caveats every results reply carries, verbatim.
const std::vector<std::string>& ResultCaveats();

// Policy 4.3.4.1: the line every results reply carries under each face graded "poor", so that the
// investigator weighs the probe's quality before acting on any candidate of that face.
const std::string& PoorQualityWarning();

// Policy 4.5.3.3: the outcome a requestor reports, as ParseOutcomeReport reads it: true for a
// positive identification, false for none, std::nullopt when inconclusive or not an outcome.
std::optional<bool> ParseOutcome(std::string_view text);

enum class OutcomeKind { kPositive, kNone, kInconclusive };
std::string_view ToString(OutcomeKind kind);  // "positive", "none", "inconclusive"
std::optional<OutcomeKind> ParseOutcomeKind(std::string_view text);  // the exact names above

// An outcome as reported: which one, and the candidate identified when the requestor names it
// ("positive identification, candidate 2", "rank #3", "subject John_Simm").
struct OutcomeReport {
  OutcomeKind kind = OutcomeKind::kInconclusive;
  std::optional<int> rank;
  std::optional<std::string> subject;
};

// Reads an outcome as a person reads a short reply (casework/outcome_reading.cc): a label's value
// ("positive ID - candidate 2", "no identification", "negative", "inconclusive") or plain words —
// arrest, custody and charge wording ("we arrested him", "he's in custody"), negation and
// contractions turning a positive word around ("couldn't ID him", "was not a match", "none of
// them"), not knowing yet ("not sure", "still working on it"), some Spanish ("detenido", "no es
// él"); the candidate's rank as "#2", "No. 2", "candidate 2", "number two", "the second one",
// "2nd photo". Clause by clause: a positive clause wins, then a negative one, then an unsure one.
// std::nullopt when it says none of them. Linear in the length of `text`.
std::optional<OutcomeReport> ParseOutcomeReport(std::string_view text);

// Policy 4.5.2: a phrase that suggests a prohibited use, and the clause it points to.
struct ProhibitedPhrase {
  std::string phrase;  // whole words, case-insensitive; a trailing '*' matches any word ending
  std::string clause;  // e.g. "4.5.2(d) real-time monitoring"
};

// The built-in phrases for 4.5.2 a) to d) (configuration may replace them).
const std::vector<ProhibitedPhrase>& DefaultProhibitedPhrases();

// One flag per phrase of `phrases` found in `text`: `4.5.2(d) real-time monitoring: "live
// feed"`. Flags are shown to the analyst; they never block on their own (DESIGN.md: the analyst
// decides, with an explicit override).
std::vector<std::string> FindProhibitedUses(std::string_view text,
                                            const std::vector<ProhibitedPhrase>& phrases);

// True when a requestor's message asks to withdraw the request ("Withdraw", "please cancel this
// request", a "Withdraw: yes" line...), from its subject without its reply and forward prefixes
// (mail::BaseSubject) or its first five lines with text.
bool AsksToWithdraw(std::string_view base_subject, std::string_view body);

}  // namespace rtcc::casework
