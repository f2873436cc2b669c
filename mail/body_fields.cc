#include "mail/body_fields.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <sstream>

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

std::string Trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n*");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n*");
  return std::string(s.substr(b, e - b + 1));
}

bool IsQuoteHeader(const std::string& line) {
  static const std::regex kWrote(R"(^On .+ wrote:\s*$)", std::regex::icase);
  static const std::regex kOriginal(R"(^-+\s*(original|forwarded) message\s*-+\s*$)",
                                    std::regex::icase);
  return std::regex_match(line, kWrote) || std::regex_match(line, kOriginal);
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
  static const std::vector<std::pair<Field, std::regex>> kMatchers = [] {
    std::vector<std::pair<Field, std::regex>> m;
    for (const auto& l : kLabels)
      m.emplace_back(l.field,
                     std::regex(std::string(R"(^\s*\**\s*()") + l.pattern + R"()\s*\**\s*:(.*)$)",
                                std::regex::icase));
    return m;
  }();

  BodyFields fields;
  std::vector<std::string> notes;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "-- " || line == "--" || IsQuoteHeader(line)) break;
    if (!line.empty() && line.front() == '>') continue;
    bool matched = false;
    for (const auto& [field, re] : kMatchers) {
      std::smatch m;
      if (std::regex_match(line, m, re)) {
        matched = true;
        std::string value = Trim(m[m.size() - 1].str());
        auto& slot = Slot(fields, field);
        if (!slot && !value.empty()) slot = value;
        break;
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
