#include "mail/body_fields.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>
#include <string_view>
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

// Label spellings seen in investigators' mail; each pattern must match the whole label.
constexpr std::array<Label, 4> kLabels = {{
    {Field::kIncidentNumber, R"((incident|case|report)\s*(number|num\.?|no\.?|#)|incident\s*id)"},
    {Field::kIncidentType, R"((incident|offen[cs]e|crime|case)\s*type|offen[cs]e)"},
    {Field::kPurpose,
     R"(purpose(\s*of\s*(the\s*)?(search|request))?|reason\s*for\s*(search|request))"},
    {Field::kOutcome, R"(outcome|result\s*of\s*(the\s*)?search)"},
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
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line == "-- " || line == "--" || IsQuoteHeader(line) || IsReplyHeader(lines, i)) break;
    if (!line.empty() && line.front() == '>') continue;
    bool matched = false;
    auto colon = line.find(':');
    if (colon != std::string::npos && colon <= kMaxLabel) {
      std::string label = line.substr(0, colon);
      for (const auto& [field, re] : kMatchers) {
        if (RE2::FullMatch(label, *re)) {
          matched = true;
          std::string value = Trim(std::string_view(line).substr(colon + 1));
          auto& slot = Slot(fields, field);
          if (!slot && !value.empty()) slot = value;
          break;
        }
      }
    }
    if (!matched) notes.push_back(line);
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
