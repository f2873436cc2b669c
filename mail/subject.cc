#include "mail/subject.h"

#include "base/pattern.h"

namespace rtcc::mail {

std::string StripReplyPrefixes(std::string_view subject) {
  // The one list of prefixes: every reader of subjects (withdrawals, reply subjects) uses it.
  static const auto kPrefix = base::CompilePattern(
      R"(\s*(?:re|fwd?|aw|wg|sv|vs|antw|rv|res|enc|tr)\s*(?:\[\d{1,4}\])?\s*:)",
      base::Case::kInsensitive);
  re2::StringPiece rest(subject.data(), subject.size());
  while (RE2::Consume(&rest, *kPrefix)) {
  }
  std::string_view s(rest.data(), rest.size());
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

bool IsAutoReplySubject(std::string_view subject) {
  static const auto kAutoReply = base::CompilePattern(
      "\\s*(?:\\[[^\\]]{0,40}\\]\\s*)?"
      "(?:automatic reply|auto[- ]?reply|auto[- ]?response|out of (?:the )?office(?: autoreply)?"
      "|respuesta autom(?:\xC3\xA1|a)tica|fuera de (?:la )?oficina"
      "|r(?:\xC3\xA9|e)ponse automatique|automatische antwort|abwesenheitsnotiz"
      "|risposta automatica|resposta autom(?:\xC3\xA1|a)tica)\\s*:",
      base::Case::kInsensitive);
  re2::StringPiece text(subject.data(), subject.size());
  return RE2::Consume(&text, *kAutoReply);
}

}  // namespace rtcc::mail
