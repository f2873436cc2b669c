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

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629 section 4: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0.
std::size_t SequenceLength(std::string_view s) {
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < s.size() && at(i) >= lo && at(i) <= hi;
  };
  unsigned char c = at(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c >= 0xE1 && c <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// Keeps well-formed UTF-8 and replaces every byte that does not start one with U+FFFD. Also
// applied to iconv's output: glibc passes 5-byte sequences through when source and target are
// both UTF-8 under names it folds together ("utf&8"; found by fuzz/).
std::string SanitizeUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    std::size_t len = SequenceLength(in.substr(i));
    if (len) {
      out.append(in.substr(i, len));
      i += len;
    } else {
      out.append(kReplacement);
      ++i;
    }
  }
  return out;
}

// The charset name as iconv knows it: without quotes, comments ("us-ascii (Plain text)") or an
// RFC 2231 language ("utf-8*en"). ISO-8859-1 and its aliases are read as windows-1252, as
// browsers and mail clients do (WHATWG Encoding): Outlook labels text with curly quotes and dashes
// (0x91-0x97) ISO-8859-1, where those bytes would be invisible C1 controls.
std::string IconvName(std::string_view charset) {
  auto b = charset.find_first_not_of(" \t\"'");
  if (b == std::string_view::npos) return {};
  charset.remove_prefix(b);
  auto e = charset.find_first_of(" \t\"'(*;");
  std::string name(charset.substr(0, e));
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "iso-8859-1" || lower == "iso8859-1" || lower == "latin1" || lower == "l1" ||
      lower == "iso_8859-1" || lower == "cp819" || lower == "ibm819")
    return "WINDOWS-1252";
  return name;
}

}  // namespace

std::string ToUtf8(std::string_view text, std::string_view charset) {
  std::string name = IconvName(charset);
  if (IsUtf8Name(name)) return SanitizeUtf8(text);
  iconv_t cd = iconv_open("UTF-8", name.c_str());
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
  return SanitizeUtf8(out);
}

}  // namespace rtcc::mail
