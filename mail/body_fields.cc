#include "mail/body_fields.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "base/pattern.h"
#include "base/strings.h"

namespace rtcc::mail {
namespace {

enum class Field { kIncidentNumber, kIncidentType, kPurpose, kOutcome };

struct Label {
  Field field;
  const char* pattern;
};

// Label spellings seen in investigators' mail, in English and Spanish, with the abbreviations of
// records systems; each pattern must match the whole label (case-insensitive; accented letters
// in either case written out, as RE2 folds ASCII only here; a multi-byte alternation is written
// as a class: RE2 in Latin-1 mode misses "\xC2\xBA|\xC2\xB0").
constexpr std::array<Label, 4> kLabels = {{
    {Field::kIncidentNumber,
     R"((?:incident|case|report|event|police\s*report|offen[cs]e|complaint|cad|call|ir|)"
     R"(incidente|caso|reporte|informe|denuncia)\s*)"
     R"((?:number|num\.?|nbr\.?|no\.?|n\.?\xC2[\xBA\xB0]|#|id)|inc\.?\s*(?:#|no\.?|number|num\.?)|)"
     R"(ccn|dr\s*#|n(?:\xC3[\xBA\x9A]|u)mero\s*de\s*(?:incidente|caso|reporte|informe|denuncia))"},
    {Field::kIncidentType,
     R"((?:incident|offen[cs]e|crime|case|call|event)\s*type|offen[cs]e|crime|)"
     R"(nature\s*of\s*(?:the\s*)?(?:incident|call|crime|offen[cs]e)|)"
     R"(type\s*of\s*(?:incident|crime|offen[cs]e|case)|tipo\s*de\s*(?:incidente|delito|caso|crimen)|)"
     R"(delito)"},
    {Field::kPurpose,
     R"(purpose(?:\s*of\s*(?:the\s*)?(?:search|request))?|reason(?:\s*for\s*(?:the\s*)?)"
     R"((?:search|request))?|justification|prop(?:\xC3[\xB3\x93]|o)sito|)"
     R"(motivo(?:\s*de\s*la\s*(?:b(?:\xC3[\xBA\x9A]|u)squeda|solicitud))?|raz(?:\xC3[\xB3\x93]|o)n)"},
    {Field::kOutcome, R"(outcome|result\s*of\s*(?:the\s*)?search|resultado)"},
}};

// A label or value without blanks and the asterisks of bold text (Outlook, Gmail: *Purpose:*).
std::string Trim(std::string_view s) { return base::Trim(s, " \t\r\n*"); }

// Longer lines are never a quote header (RFC 5322 lines are at most 998 characters).
constexpr std::size_t kMaxQuoteHeader = 1000;
// A label is what precedes the first ':' and is at most this long.
constexpr std::size_t kMaxLabel = 120;

bool IsQuoteHeader(const std::string& line) {
  if (line.size() > kMaxQuoteHeader) return false;
  static const auto kQuoteHeader = base::CompilePattern(
      R"(On .+ wrote:\s*|-+\s*(original|forwarded) message\s*-+\s*|\s*begin forwarded message:\s*)",
      base::Case::kInsensitive);
  return RE2::FullMatch(line, *kQuoteHeader);
}

bool StartsWithLabel(std::string_view line, std::initializer_list<std::string_view> labels) {
  auto b = line.find_first_not_of(" \t*");
  if (b == std::string_view::npos) return false;
  line.remove_prefix(b);
  for (std::string_view label : labels) {
    if (line.size() < label.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < label.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(line[i])) == label[i];
    if (same) return true;
  }
  return false;
}

// The header block Outlook (and Gmail, Apple Mail, for forwards) writes above quoted text, which
// is not prefixed with '>':
//   From: RTCC <rtcc@pd.test>
//   Sent: Tuesday, November 24, 2026 10:00 AM      (Outlook for Mac, Gmail: "Date:")
//   To: Smith, John
//   Subject: Re: FR request [RTCC-2026-000001]
// A From line counts when a Sent/Date line and a Subject line follow within six lines.
bool IsReplyHeader(const std::vector<std::string>& lines, std::size_t i) {
  if (!StartsWithLabel(lines[i], {"from:", "de:"})) return false;
  bool date = false;
  bool subject = false;
  for (std::size_t k = i + 1; k < lines.size() && k <= i + 6; ++k) {
    date =
        date || StartsWithLabel(lines[k], {"sent:", "date:", "enviado:", "enviado el:", "fecha:"});
    subject = subject || StartsWithLabel(lines[k], {"subject:", "asunto:"});
  }
  return date && subject;
}

std::optional<std::string>& Slot(BodyFields& f, Field field) {
  switch (field) {
    case Field::kIncidentNumber:
      return f.incident_number;
    case Field::kIncidentType:
      return f.incident_type;
    case Field::kPurpose:
      return f.purpose;
    case Field::kOutcome:
      break;
  }
  return f.outcome;
}

}  // namespace

BodyFields ExtractBodyFields(std::string_view text) {
  // Matched against the label alone (the text before the first ':'), never the whole line.
  static const auto kMatchers = [] {
    std::vector<std::pair<Field, std::unique_ptr<const RE2>>> m;
    for (const auto& l : kLabels)
      m.emplace_back(
          l.field, base::CompilePattern(std::string(R"(\s*(-|\xE2\x80\xA2|\xC2\xB7)?\s*\**\s*()") +
                                            l.pattern + R"()\s*\**\s*)",
                                        base::Case::kInsensitive));
    return m;
  }();

  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }

  BodyFields fields;
  std::vector<std::string> notes;
  // The field a line names and the value it gives (after ':' or a tab); nullopt when none.
  auto labelled = [&](const std::string& line) -> std::optional<std::pair<Field, std::string>> {
    auto cut = line.find(':');
    if (cut == std::string::npos || cut > kMaxLabel) cut = line.find('\t');
    std::string label = line.substr(0, cut == std::string::npos ? line.size() : cut);
    if (label.size() > kMaxLabel) return std::nullopt;
    for (const auto& [field, re] : kMatchers)
      if (RE2::FullMatch(label, *re))
        return std::make_pair(field, cut == std::string::npos
                                         ? std::string()
                                         : Trim(std::string_view(line).substr(cut + 1)));
    // "Case # 26-001234", "Incident No. 26-4512": a number label, then the number, no colon.
    static const auto kNumberInline = base::CompilePattern(
        std::string(R"(\s*(?:-|\xE2\x80\xA2|\xC2\xB7)?\s*\**\s*(?:)") + kLabels[0].pattern +
            R"()\s*\**\s*(?:is\s+|es\s+)?([A-Za-z]{0,3}-?\d[\w-]*)\s*)",
        base::Case::kInsensitive);
    std::string number;
    if (line.size() <= kMaxLabel + 40 && RE2::FullMatch(line, *kNumberInline, &number))
      return std::make_pair(Field::kIncidentNumber, number);
    return std::nullopt;
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line == "-- " || line == "--" || IsQuoteHeader(line) || IsReplyHeader(lines, i)) break;
    if (!line.empty() && line.front() == '>') continue;
    auto field = labelled(line);
    if (!field) {
      notes.push_back(line);
      continue;
    }
    std::string value = field->second;
    // The label on a line of its own, the value on the next (a table flattened to text, a form).
    if (value.empty()) {
      std::size_t next = i + 1;
      while (next < lines.size() && next <= i + 2 && Trim(lines[next]).empty()) ++next;
      if (next < lines.size() && next <= i + 2 && !lines[next].empty() &&
          lines[next].front() != '>' && !labelled(lines[next]) && !IsQuoteHeader(lines[next]) &&
          lines[next].size() <= kMaxQuoteHeader) {
        value = Trim(lines[next]);
        i = next;
      }
    }
    auto& slot = Slot(fields, field->first);
    if (!slot && !value.empty()) slot = value;
  }
  // Notes: the unlabelled lines, without leading and trailing blank lines.
  while (!notes.empty() && Trim(notes.back()).empty()) notes.pop_back();
  auto first = std::find_if(notes.begin(), notes.end(),
                            [](const std::string& l) { return !Trim(l).empty(); });
  std::ostringstream joined;
  for (auto it = first; it != notes.end(); ++it) joined << (it == first ? "" : "\n") << *it;
  fields.notes = joined.str();
  return fields;
}

}  // namespace rtcc::mail
