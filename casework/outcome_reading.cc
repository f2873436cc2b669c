// Policy 4.5.3.3: the outcome a requestor reports, read as a person reads a short reply: a label
// ("Outcome: positive ID, candidate 2") or plain words ("We arrested him, it was the second one",
// "Couldn't ID him from any of them", "not sure yet"). Every pattern is RE2: linear time.
#include <array>
#include <string>

#include "base/pattern.h"
#include "base/strings.h"
#include "casework/policy.h"

namespace rtcc::casework {
namespace {

// How a clause of the reply reads.
enum class Reading { kNothing, kPositive, kNegative, kUnsure };

// Words that say the person was identified, arrested or is the one.
constexpr const char* kPositiveCue =
    R"(\b(?:positive(?:ly)?|identif(?:y|ied)|id(?:'?d)?|identification (?:made|confirmed)|confirmed|)"
    R"(match(?:ed|es)?|arrest(?:ed)?|in custody|custody|charged|booked|apprehended|detained|)"
    R"(locked up|(?:it|that)'?s (?:him|her|them|our (?:guy|man|woman|suspect))|)"
    R"((?:was|is) (?:him|her|the (?:guy|man|woman|suspect|one|person)|our (?:guy|man|woman|suspect))|)"
    R"(positivo|identificad[oa]|arrestad[oa]|detenid[oa]|es (?:el|\xC3\xA9l|ella))\b)";

// A negation shortly before a positive cue turns it around ("couldn't ID", "was not a match").
constexpr const char* kNegation =
    R"(\b(?:no|not|never|none|neither|nor|without|nobody|ningun[oa]?|nunca|tampoco|)"
    R"(couldnt|wasnt|isnt|didnt|doesnt|dont|cant|cannot|wont|werent|arent|havent|hasnt)\b|n't\b)";

// Words that say no one was identified, whatever else the clause says.
constexpr const char* kNegativeCue =
    R"(\bno (?:match|hit|id|identification|luck|arrest)\b|\bnegative\b|\bunidentified\b|)"
    R"(\bruled out\b|\b(?:not|wasn'?t|isn'?t) (?:him|her|them|our (?:guy|man|woman|suspect)|)"
    R"(the (?:guy|man|woman|one|person|suspect))\b|)"
    R"(\bwrong (?:guy|man|woman|person|one)\b|\bnone of (?:them|the)\b|\bnegativo\b|)"
    R"(\bno es (?:el|\xC3\xA9l|ella)\b|\bno coincide\b)";

// Words that say it is not known yet.
constexpr const char* kUnsureCue =
    R"(\binconclusive\b|\bundetermined\b|\bunable to (?:determine|confirm|tell)\b|)"
    R"(\bnot (?:yet )?(?:sure|known|determined|confirmed|certain)\b|\bunknown\b|)"
    R"(\b(?:can'?t|cannot|couldn'?t) (?:tell|say|confirm|be sure)\b|)"
    R"(\bstill (?:working|investigating|checking|pending|waiting)\b|\btoo early\b|)"
    R"(\bno (?:determination|conclusion)\b|\binconclus[oa]\b|\bno (?:estoy )?segur[oa]\b)";

// The candidate's rank in the results, however it is written.
constexpr std::array<const char*, 10> kNumberWords = {"one", "two",   "three", "four", "five",
                                                      "six", "seven", "eight", "nine", "ten"};
constexpr std::array<const char*, 10> kOrdinalWords = {
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"};

std::optional<int> WordValue(const std::string& word) {
  for (std::size_t i = 0; i < kNumberWords.size(); ++i)
    if (word == kNumberWords[i] || word == kOrdinalWords[i]) return static_cast<int>(i) + 1;
  return std::nullopt;
}

std::optional<int> FindRank(std::string_view text) {
  static const auto kDigits = base::CompilePattern(
      R"((?:candidate|rank|number|photo|pic|picture|image|result|match|#)\s*#?\s*(\d{1,3})\b|)"
      R"(\b(\d{1,2})(?:st|nd|rd|th) (?:one|candidate|photo|pic|picture|image|result|match)\b)");
  static const auto kWords = base::CompilePattern(
      R"((?:candidate|number|rank|photo|pic|picture|image|result|match)\s+)"
      R"((one|two|three|four|five|six|seven|eight|nine|ten)\b|)"
      R"(\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth))"
      R"( (?:one|candidate|photo|pic|picture|image|result|match|guy|person)\b)");
  re2::StringPiece t(text.data(), text.size());
  std::string a, b;
  if (RE2::PartialMatch(t, *kDigits, &a, &b)) return std::stoi(a.empty() ? b : a);
  if (RE2::PartialMatch(t, *kWords, &a, &b)) return WordValue(a.empty() ? b : a);
  return std::nullopt;
}

std::optional<std::string> FindSubject(std::string_view original) {
  static const auto kSubject = base::CompilePattern(
      R"((?:subject|gallery id)\s*:?\s*([A-Za-z0-9_.-]+))", base::Case::kInsensitive);
  re2::StringPiece t(original.data(), original.size());
  std::string subject;
  if (RE2::PartialMatch(t, *kSubject, &subject)) return subject;
  return std::nullopt;
}

Reading ReadClause(std::string_view clause) {
  static const auto kUnsure = base::CompilePattern(kUnsureCue);
  static const auto kNegative = base::CompilePattern(kNegativeCue);
  static const auto kPositive = base::CompilePattern(std::string("(") + kPositiveCue + ")");
  static const auto kNegated = base::CompilePattern(kNegation);
  re2::StringPiece t(clause.data(), clause.size());
  if (RE2::PartialMatch(t, *kUnsure)) return Reading::kUnsure;
  if (RE2::PartialMatch(t, *kNegative)) return Reading::kNegative;
  // Each positive cue, negated or not by the words just before it in the clause.
  bool positive = false, negated = false;
  re2::StringPiece rest = t;
  re2::StringPiece cue;
  while (RE2::FindAndConsume(&rest, *kPositive, &cue)) {
    std::size_t at = static_cast<std::size_t>(cue.data() - clause.data());
    std::size_t from = at > 32 ? at - 32 : 0;
    re2::StringPiece before(clause.data() + from, at - from);
    (RE2::PartialMatch(before, *kNegated) ? negated : positive) = true;
  }
  if (positive) return Reading::kPositive;
  return negated ? Reading::kNegative : Reading::kNothing;
}

// `text` in lower case with typographic apostrophes made plain and "No. 2" written "#2" (so that
// it is not read as a negation).
std::string Normalize(std::string_view text) {
  std::string t = base::Lower(text);
  // (RE2 in Latin-1 mode misses "\xE2\x80\x99|\xE2\x80\x98" written as an alternation.)
  static const auto kCurly = base::CompilePattern("\xE2\x80[\x98\x99]");
  RE2::GlobalReplace(&t, *kCurly, "'");
  static const auto kNumberSign = base::CompilePattern(R"(\bno\.\s*(\d))");
  RE2::GlobalReplace(&t, *kNumberSign, "#\\1");
  return t;
}

}  // namespace

std::optional<OutcomeReport> ParseOutcomeReport(std::string_view text) {
  const std::string t = Normalize(text);
  // Clauses: sentences, lines, and the halves of "..., but ...".
  static const auto kSeparator =
      base::CompilePattern(R"(([.!?;\n]+|,?\s+(?:but|pero|however)\s+))");
  bool negative = false, unsure = false;
  std::optional<OutcomeReport> positive;
  re2::StringPiece rest(t);
  while (!rest.empty() && !positive) {
    re2::StringPiece probe = rest;
    re2::StringPiece separator;
    std::string_view clause(rest.data(), rest.size());
    if (RE2::FindAndConsume(&probe, *kSeparator, &separator)) {
      clause =
          std::string_view(rest.data(), static_cast<std::size_t>(separator.data() - rest.data()));
      rest = probe;
    } else {
      rest = re2::StringPiece();
    }
    switch (ReadClause(clause)) {
      case Reading::kPositive:
        positive = OutcomeReport{OutcomeKind::kPositive, FindRank(clause), std::nullopt};
        break;
      case Reading::kNegative:
        negative = true;
        break;
      case Reading::kUnsure:
        unsure = true;
        break;
      case Reading::kNothing:
        break;
    }
  }
  // A positive clause wins ("#1 wasn't him, but #2 was: he's in custody"), then a negative one.
  if (positive) {
    if (!positive->rank) positive->rank = FindRank(t);
    positive->subject = FindSubject(text);
    return positive;
  }
  if (negative) return OutcomeReport{OutcomeKind::kNone, std::nullopt, std::nullopt};
  if (unsure) return OutcomeReport{OutcomeKind::kInconclusive, std::nullopt, std::nullopt};
  return std::nullopt;
}

std::optional<bool> ParseOutcome(std::string_view text) {
  auto report = ParseOutcomeReport(text);
  if (!report || report->kind == OutcomeKind::kInconclusive) return std::nullopt;
  return report->kind == OutcomeKind::kPositive;
}

}  // namespace rtcc::casework
