#include "mail/charset.h"

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

namespace rtcc::mail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsUtf8Name(std::string_view charset) {
  std::string lower(charset);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower.empty() || lower == "utf-8" || lower == "utf8" || lower == "us-ascii" ||
         lower == "ascii";
}

// Keeps valid UTF-8 sequences and replaces every invalid byte with U+FFFD.
std::string SanitizeUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    unsigned char c = in[i];
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    bool ok = len > 0 && i + len <= in.size();
    for (std::size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(in[i + k]) >> 6) == 0x2;
    if (ok) {
      out.append(in.substr(i, len));
      i += len;
    } else {
      out.append(kReplacement);
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string ToUtf8(std::string_view text, std::string_view charset) {
  if (IsUtf8Name(charset)) return SanitizeUtf8(text);
  iconv_t cd = iconv_open("UTF-8", std::string(charset).c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return SanitizeUtf8(text);  // unknown charset
  std::string out;
  std::string in(text);
  char* inp = in.data();
  std::size_t inleft = in.size();
  char buf[4096];
  while (inleft > 0) {
    char* outp = buf;
    std::size_t outleft = sizeof buf;
    std::size_t rc = iconv(cd, &inp, &inleft, &outp, &outleft);
    out.append(buf, outp - buf);
    if (rc == static_cast<std::size_t>(-1)) {
      if (errno == E2BIG) continue;
      // EILSEQ or EINVAL: skip one byte, mark it, go on.
      out.append(kReplacement);
      ++inp;
      --inleft;
    }
  }
  char* outp = buf;
  std::size_t outleft = sizeof buf;
  iconv(cd, nullptr, nullptr, &outp, &outleft);
  out.append(buf, outp - buf);
  iconv_close(cd);
  return out;
}

}  // namespace rtcc::mail
