#include "mail/incident_number.h"

#include <algorithm>
#include <stdexcept>

#include "base/pattern.h"

namespace rtcc::mail {

IncidentNumberFormat::IncidentNumberFormat(std::string_view format) : format_(format) {
  if (format.empty() || format.size() > 40 || format.find_first_of("YNA") == std::string_view::npos)
    throw std::invalid_argument("incident number format '" + std::string(format) +
                                "': write it with Y (a digit of the year), N (a digit) and A (a "
                                "letter), e.g. \"YY-NNNNNN\"");
  std::string re = "(";
  for (char c : format) {
    if (c == 'Y' || c == 'N')
      re += "[0-9]";
    else if (c == 'A')
      re += "[A-Za-z]";
    else
      re += RE2::QuoteMeta(std::string(1, c));
  }
  re += ")";
  pattern_ = base::CompilePattern(re);
}

std::vector<std::string> IncidentNumberFormat::FindAll(std::string_view text,
                                                       std::size_t max_numbers) const {
  auto alnum = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  };
  std::vector<std::string> found;
  re2::StringPiece rest(text.data(), text.size());
  re2::StringPiece number;
  while (found.size() < max_numbers && RE2::FindAndConsume(&rest, *pattern_, &number)) {
    if (number.empty()) break;
    const std::size_t begin = static_cast<std::size_t>(number.data() - text.data());
    const std::size_t end = begin + number.size();
    // A word of its own: not the middle of "A26-0045120" or "126-004512".
    if ((begin > 0 && alnum(text[begin - 1])) || (end < text.size() && alnum(text[end]))) continue;
    std::string value(number.data(), number.size());
    if (std::find(found.begin(), found.end(), value) == found.end()) found.push_back(value);
  }
  return found;
}

}  // namespace rtcc::mail
