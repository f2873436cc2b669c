#include "mail/rfc2231.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "base/strings.h"
#include "mail/charset.h"
#include "mail/encoded_words.h"

namespace rtcc::mail {
namespace {

// More continuation segments than this are not a file name; the rest is ignored.
constexpr int kMaxSegments = 256;

using base::Lower;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

using base::TrimView;

// Skips spaces and (nested, escaped) comments from `pos`.
std::size_t SkipCfws(std::string_view s, std::size_t pos) {
  while (pos < s.size()) {
    if (IsSpace(s[pos])) {
      ++pos;
    } else if (s[pos] == '(') {
      int depth = 0;
      while (pos < s.size()) {
        char c = s[pos++];
        if (c == '\\') {
          ++pos;
        } else if (c == '(') {
          ++depth;
        } else if (c == ')' && --depth == 0) {
          break;
        }
      }
    } else {
      break;
    }
  }
  return std::min(pos, s.size());
}

// Reads a quoted string starting at the opening quote; `pos` ends after the closing quote. A
// backslash quotes only '"' and '\': Windows paths written unescaped ("C:\photos\a.jpg") keep
// their backslashes.
std::string ReadQuoted(std::string_view s, std::size_t& pos) {
  std::string out;
  ++pos;  // the opening quote
  while (pos < s.size() && s[pos] != '"') {
    if (s[pos] == '\\' && pos + 1 < s.size() && (s[pos + 1] == '"' || s[pos + 1] == '\\')) ++pos;
    out += s[pos++];
  }
  if (pos < s.size()) ++pos;  // the closing quote
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 2231 section 4: %XX octets; anything else as written.
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    int hi = 0;
    int lo = 0;
    if (s[i] == '%' && i + 2 < s.size() && (hi = HexDigit(s[i + 1])) >= 0 &&
        (lo = HexDigit(s[i + 2])) >= 0) {
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Splits "charset'language'text" (language dropped). Without two quotes the whole value is text.
std::string_view SplitCharset(std::string_view value, std::string& charset) {
  auto first = value.find('\'');
  if (first == std::string_view::npos) return value;
  auto second = value.find('\'', first + 1);
  if (second == std::string_view::npos) return value;
  charset = std::string(TrimView(value.substr(0, first)));
  return value.substr(second + 1);
}

std::string PlainValue(std::string_view value) {
  if (value.find("=?") != std::string_view::npos) return DecodeEncodedWords(value);
  return ToUtf8(value, "");
}

// "name*3*" -> index 3, extended; "name*3" -> 3, not extended. False when not a segment.
bool ParseSegmentName(std::string_view param, std::string_view name, int& index, bool& extended) {
  if (param.size() < name.size() + 2 || param.substr(0, name.size()) != name ||
      param[name.size()] != '*')
    return false;
  std::string_view rest = param.substr(name.size() + 1);
  extended = !rest.empty() && rest.back() == '*';
  if (extended) rest.remove_suffix(1);
  if (rest.empty() || rest.size() > 4) return false;
  if (rest.size() > 1 && rest.front() == '0') return false;  // no leading zeros (RFC 2231 3)
  index = 0;
  for (char c : rest) {
    if (c < '0' || c > '9') return false;
    index = index * 10 + (c - '0');
  }
  return true;
}

}  // namespace

ParameterizedField ParseParameterizedField(std::string_view s) {
  ParameterizedField field;
  std::size_t pos = s.find(';');
  field.value = Lower(TrimView(s.substr(0, pos)));
  // A leading value may carry a comment: "attachment (photo)".
  if (auto paren = field.value.find('('); paren != std::string::npos)
    field.value = Lower(TrimView(std::string_view(field.value).substr(0, paren)));
  while (pos != std::string_view::npos && pos < s.size()) {
    pos = SkipCfws(s, pos + 1);  // after ';'
    std::size_t name_begin = pos;
    while (pos < s.size() && s[pos] != '=' && s[pos] != ';') ++pos;
    std::string name = Lower(TrimView(s.substr(name_begin, pos - name_begin)));
    if (pos >= s.size() || s[pos] == ';') continue;  // no '=': not a parameter
    pos = SkipCfws(s, pos + 1);                      // after '='
    std::string value;
    if (pos < s.size() && s[pos] == '"') {
      value = ReadQuoted(s, pos);
      pos = s.find(';', pos);
    } else {
      std::size_t end = s.find(';', pos);
      std::string_view raw = s.substr(pos, end == std::string_view::npos ? end : end - pos);
      // A trailing comment after a token value: "size=10 (bytes)".
      if (auto paren = raw.find('('); paren != std::string_view::npos) raw = raw.substr(0, paren);
      value = std::string(TrimView(raw));
      pos = end;
    }
    if (!name.empty()) field.parameters.push_back({std::move(name), std::move(value)});
  }
  return field;
}

std::optional<std::string> DecodeParameter(const std::vector<HeaderParameter>& parameters,
                                           std::string_view wanted) {
  std::string name = Lower(wanted);
  std::string extended_name = name + "*";
  const HeaderParameter* plain = nullptr;
  std::map<int, const HeaderParameter*> segments;
  std::map<int, bool> segment_extended;
  for (const auto& p : parameters) {
    if (p.name == extended_name) {
      std::string charset;
      std::string_view text = SplitCharset(p.value, charset);
      return ToUtf8(PercentDecode(text), charset);
    }
    int index = 0;
    bool extended = false;
    if (p.name == name) {
      if (!plain) plain = &p;
    } else if (ParseSegmentName(p.name, name, index, extended) && index < kMaxSegments &&
               !segments.count(index)) {
      segments[index] = &p;
      segment_extended[index] = extended;
    }
  }
  if (segments.count(0)) {
    std::string charset;
    std::string bytes;
    for (int i = 0; i < kMaxSegments && segments.count(i); ++i) {
      std::string_view value = segments[i]->value;
      if (segment_extended[i]) {
        if (i == 0) value = SplitCharset(value, charset);
        bytes += PercentDecode(value);
      } else {
        bytes += value;
      }
    }
    if (charset.empty()) return PlainValue(bytes);
    return ToUtf8(bytes, charset);
  }
  if (plain) return PlainValue(plain->value);
  return std::nullopt;
}

}  // namespace rtcc::mail
