#include "mail/mime_limits.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace rtcc::mail {
namespace {

struct Edit {
  std::size_t begin;
  std::size_t end;
  std::string replacement;
};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// The position after the line that starts at `pos` (after its '\n', or the end).
std::size_t NextLine(std::string_view s, std::size_t pos) {
  auto nl = s.find('\n', pos);
  return nl == std::string_view::npos ? s.size() : nl + 1;
}

// The line at `pos` without its line end.
std::string_view LineAt(std::string_view s, std::size_t pos) {
  std::string_view line = s.substr(pos, NextLine(s, pos) - pos);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

// The value of a header field (text after the first ':') without white space, lower case, at most
// `n` characters: enough to recognise "multipart/" and "message/rfc822".
std::string CompactValue(std::string_view field, std::size_t n) {
  std::string out;
  auto colon = field.find(':');
  if (colon == std::string_view::npos) return out;
  for (std::size_t i = colon + 1; i < field.size() && out.size() < n; ++i) {
    unsigned char c = field[i];
    if (!std::isspace(c)) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

// "Content-Type" (mimetic trims blanks before the ':').
bool IsContentType(std::string_view field) {
  auto colon = field.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view name = field.substr(0, colon);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return name.size() == 12 && StartsWithNoCase(name, "content-type");
}

}  // namespace

std::optional<std::string> LimitMimeShape(std::string_view raw, const MimeShapeLimits& limits) {
  std::vector<Edit> edits;
  bool in_header = true;    // mimetic may be reading a header here
  bool is_message = false;  // the current header declares message/rfc822
  int containers = 0;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    std::string_view line = LineAt(raw, pos);
    if (!in_header) {
      // Every boundary line starts with "--": after one, a part's header may begin.
      if (line.size() >= 2 && line[0] == '-' && line[1] == '-') {
        in_header = true;
        is_message = false;
      }
      pos = NextLine(raw, pos);
      continue;
    }
    if (line.empty()) {  // end of a header; a message/rfc822 part's body is another header
      in_header = is_message;
      is_message = false;
      pos = NextLine(raw, pos);
      continue;
    }
    // One header field: this line and the folded lines after it.
    std::size_t begin = pos;
    std::size_t end = NextLine(raw, pos);
    while (end < raw.size() && (raw[end] == ' ' || raw[end] == '\t')) end = NextLine(raw, end);
    std::string_view field = raw.substr(begin, end - begin);
    std::optional<Edit> cut_edit;
    if (field.size() > limits.max_header_field_bytes) {
      std::size_t cut = begin + limits.max_header_field_bytes;
      while (cut > begin && (raw[cut - 1] == '\r' || raw[cut - 1] == '\n')) --cut;
      cut_edit = Edit{cut, end, "\r\n"};
      field = raw.substr(begin, cut - begin);
    }
    if (IsContentType(field)) {
      std::string value = CompactValue(field, 16);
      bool message = value.rfind("message/rfc822", 0) == 0;
      if (message || value.rfind("multipart/", 0) == 0) {
        if (++containers > limits.max_containers)
          edits.push_back({begin, begin + field.find(':'), "X-Rtcc-Capped-Content-Type"});
        else if (message)
          is_message = true;
      }
    }
    if (cut_edit) edits.push_back(std::move(*cut_edit));
    pos = end;
  }
  if (edits.empty()) return std::nullopt;
  std::string out;
  out.reserve(raw.size());
  std::size_t at = 0;
  for (const Edit& e : edits) {
    out.append(raw.substr(at, e.begin - at));
    out += e.replacement;
    at = e.end;
  }
  out.append(raw.substr(at));
  return out;
}

namespace {

// "Name:" with a name of printable characters but the colon (RFC 5322 section 3.6.8); mimetic
// also takes blanks before the colon.
bool StartsField(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] > ' ' && line[i] < 127 && line[i] != ':') ++i;
  std::size_t name_end = i;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return name_end > 0 && i < line.size() && line[i] == ':';
}

}  // namespace

std::optional<std::string> RepairTopHeader(std::string_view raw) {
  struct Line {
    std::size_t begin, end;  // end: after its line break
    bool mbox;               // the mbox "From " line: dropped even with no field after it
  };
  std::vector<Line> junk;
  // A header whose first field is indented (" From: ..."): mimetic would take it for the
  // continuation of nothing. The blanks go.
  std::size_t indent = 0;
  while (indent < raw.size() && (raw[indent] == ' ' || raw[indent] == '\t')) ++indent;
  if (indent > 0 && StartsField(raw.substr(indent, raw.find('\n') - indent))) {
    std::string unindented(raw.substr(indent));
    auto rest = RepairTopHeader(unindented);
    return rest ? rest : std::optional<std::string>(std::move(unindented));
  }
  std::size_t last_field = 0;  // where the last field line starts (0: none yet)
  bool any_field = false;
  std::size_t pos = 0;
  bool first = true;
  while (pos < raw.size()) {
    std::size_t nl = raw.find('\n', pos);
    std::size_t next = nl == std::string_view::npos ? raw.size() : nl + 1;
    std::string_view line = raw.substr(pos, next - pos);
    std::string_view bare = line.substr(0, line.find_first_of("\r\n"));
    if (bare.empty()) break;  // the end of the header
    if (StartsField(bare)) {
      any_field = true;
      last_field = pos;
    } else if (first && bare.rfind("From ", 0) == 0) {
      junk.push_back({pos, next, true});
    } else if (bare[0] != ' ' && bare[0] != '\t') {
      junk.push_back({pos, next, false});
    }
    first = false;
    pos = next;
  }
  std::string out;
  std::size_t copied = 0;
  for (const Line& j : junk) {
    if (!j.mbox && (!any_field || j.begin > last_field)) continue;  // no field after it
    out.append(raw.substr(copied, j.begin - copied));
    copied = j.end;
  }
  if (copied == 0) return std::nullopt;
  out.append(raw.substr(copied));
  return out;
}

}  // namespace rtcc::mail
