#include "base/pattern.h"

#include <stdexcept>
#include <string>

namespace rtcc::base {

std::unique_ptr<const RE2> CompilePattern(std::string_view pattern, Case letter_case) {
  RE2::Options options(RE2::Latin1);
  options.set_case_sensitive(letter_case == Case::kSensitive);
  options.set_log_errors(false);
  auto re = std::make_unique<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok())
    throw std::invalid_argument("pattern \"" + std::string(pattern) +
                                "\" does not compile: " + re->error());
  return re;
}

}  // namespace rtcc::base
