// The department's incident numbers as a configured format ([rtcc] incident_number_format,
// default "YY-NNNNNN"), so that a number written without a label — in the subject line ("FR
// request 26-004512 robbery") or alone in the text — is still read (issue 17).
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rtcc::mail {

class IncidentNumberFormat {
 public:
  // `format`: Y a digit of the year, N a digit, A a letter, anything else itself ("YY-NNNNNN",
  // "YYYY-NNNNNN", "ANN-NNNNN"). Throws std::invalid_argument naming the format when it has no Y,
  // N or A, or is longer than 40 characters.
  explicit IncidentNumberFormat(std::string_view format);

  const std::string& format() const { return format_; }

  // The distinct numbers of this format written in `text` as words of their own (not inside a
  // longer run of letters or digits), in order, at most `max_numbers`. Linear in `text`.
  std::vector<std::string> FindAll(std::string_view text, std::size_t max_numbers = 10) const;

 private:
  std::string format_;
  std::unique_ptr<const RE2> pattern_;
};

}  // namespace rtcc::mail
