#include "mail/html_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <climits>
#include <initializer_list>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "mail/charset.h"

namespace rtcc::mail {
namespace {

// Deeper elements than this are not a mail client's work; their content is dropped (keeps the
// recursion below bounded whatever the input).
constexpr int kMaxDepth = 200;

bool Is(const xmlNode* n, const char* name) {
  return xmlStrcasecmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

bool IsAnyOf(const xmlNode* n, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (Is(n, name)) return true;
  return false;
}

bool IsSkipped(const xmlNode* n) {
  return IsAnyOf(n, {"script", "style", "head", "title", "template", "xml"});
}

bool IsBlock(const xmlNode* n) {
  return IsAnyOf(
      n, {"address", "article", "aside",   "blockquote", "center",   "dd",         "details",
          "dialog",  "div",     "dl",      "dt",         "fieldset", "figcaption", "figure",
          "footer",  "form",    "h1",      "h2",         "h3",       "h4",         "h5",
          "h6",      "header",  "hr",      "li",         "main",     "nav",        "ol",
          "p",       "pre",     "section", "summary",    "table",    "tbody",      "td",
          "tfoot",   "th",      "thead",   "tr",         "ul",       "caption"});
}

// Lines under construction, each with its blockquote depth.
class TextBuilder {
 public:
  void Text(std::string_view s, bool preformatted) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      bool nbsp = c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0';
      if (nbsp) ++i;
      if (preformatted && c == '\n') {
        Break();
      } else if (preformatted && c != '\r') {
        Put(nbsp || c == '\t' ? ' ' : c);
      } else if (nbsp) {  // a no-break space does not collapse: <p>&nbsp;</p> is a blank line
        if (space_) line_ += ' ';
        space_ = false;
        Put(' ');
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        if (!line_.empty()) space_ = true;
      } else {
        if (space_) line_ += ' ';
        space_ = false;
        Put(c);
      }
    }
  }
  // Text as libxml2 gives it, where Word's "downlevel-revealed" conditionals remain as text:
  // "<![if !supportLists]>...<![endif]>" wraps the bullet or number of a list item (Outlook's
  // "1.      Incident Type: ..."), which is skipped; other conditionals ("<![if !vml]>") only
  // lose their markers.
  void Source(std::string_view s, bool preformatted) {
    while (!s.empty()) {
      if (in_list_marker_) {
        auto end = s.find("<![endif]>");
        if (end == std::string_view::npos) return;
        s.remove_prefix(end + 10);
        in_list_marker_ = false;
        continue;
      }
      auto open = s.find("<![");
      auto close = open == std::string_view::npos ? open : s.find("]>", open);
      if (close == std::string_view::npos) {
        Text(s, preformatted);
        return;
      }
      Text(s.substr(0, open), preformatted);
      std::string_view marker = s.substr(open, close + 2 - open);
      if (marker.rfind("<![if", 0) == 0 && marker.find("supportLists") != std::string_view::npos)
        in_list_marker_ = true;
      s.remove_prefix(close + 2);
    }
  }
  // <br>: ends the line, even an empty one.
  void Break() {
    lines_.push_back({line_quote_, std::move(line_)});
    line_.clear();
    space_ = false;
  }
  // A block boundary: ends the line unless nothing is on it.
  void Block() {
    if (!line_.empty()) Break();
  }
  void Quote(int delta) { quote_ += delta; }

  std::string Finish() {
    Block();
    std::string out;
    bool blank_pending = false;
    bool any = false;
    for (auto& [quote, text] : lines_) {
      while (!text.empty() && text.back() == ' ') text.pop_back();
      if (text.empty()) {
        blank_pending = any;
        continue;
      }
      if (blank_pending) out += '\n';
      blank_pending = false;
      any = true;
      for (int q = 0; q < quote; ++q) out += "> ";
      out += text;
      out += '\n';
    }
    if (!out.empty()) out.pop_back();
    return out;
  }

 private:
  void Put(char c) {
    if (line_.empty()) line_quote_ = quote_;
    line_ += c;
  }

  std::vector<std::pair<int, std::string>> lines_;
  std::string line_;
  int line_quote_ = 0;
  int quote_ = 0;
  bool space_ = false;
  bool in_list_marker_ = false;
};

void RenderChildren(const xmlNode* node, TextBuilder& out, int depth, bool pre);

// A table row: "Incident Type:" | "Robbery" is one line when every cell holds one line.
void RenderRow(const xmlNode* row, TextBuilder& out, int depth, bool pre) {
  std::vector<std::string> cells;
  bool one_line = true;
  for (const xmlNode* c = row->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || IsSkipped(c)) continue;
    TextBuilder cell;  // a td or th (or, malformed, anything else in the row)
    RenderChildren(c, cell, depth + 1, pre);
    std::string text = cell.Finish();
    if (text.find('\n') != std::string::npos) one_line = false;
    if (!text.empty()) cells.push_back(std::move(text));
  }
  out.Block();
  if (one_line) {
    std::string joined;
    for (const auto& c : cells) joined += (joined.empty() ? "" : " ") + c;
    out.Text(joined, false);
    out.Block();
    return;
  }
  for (const auto& c : cells) {
    std::size_t start = 0;
    while (start <= c.size()) {
      std::size_t end = c.find('\n', start);
      if (end == std::string::npos) end = c.size();
      out.Text(std::string_view(c).substr(start, end - start), true);
      out.Break();
      start = end + 1;
    }
  }
}

void RenderNode(const xmlNode* n, TextBuilder& out, int depth, bool pre) {
  if (depth > kMaxDepth) return;
  switch (n->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
      if (n->content) out.Source(reinterpret_cast<const char*>(n->content), pre);
      return;
    case XML_ELEMENT_NODE:
      break;
    default:  // comments (Outlook's conditional ones included), processing instructions
      return;
  }
  if (IsSkipped(n)) return;
  if (Is(n, "br")) {
    out.Break();
    return;
  }
  if (Is(n, "tr")) {
    RenderRow(n, out, depth, pre);
    return;
  }
  bool quote = Is(n, "blockquote");
  bool block = IsBlock(n);
  if (block) out.Block();
  if (quote) out.Quote(1);
  RenderChildren(n, out, depth + 1, pre || Is(n, "pre"));
  if (block) out.Block();
  if (quote) out.Quote(-1);
}

void RenderChildren(const xmlNode* node, TextBuilder& out, int depth, bool pre) {
  for (const xmlNode* c = node->children; c; c = c->next) RenderNode(c, out, depth, pre);
}

struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

}  // namespace

std::string HtmlToText(std::string_view html, std::string_view charset) {
  static const bool initialized = [] {
    xmlInitParser();
    return true;
  }();
  (void)initialized;

  int options = HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;
  std::string converted;
  const char* encoding = nullptr;
  if (!charset.empty()) {
    converted = ToUtf8(html, charset);
    html = converted;
    encoding = "UTF-8";
    options |= HTML_PARSE_IGNORE_ENC;
  }
  if (html.empty()) return {};
  int size = static_cast<int>(std::min<std::size_t>(html.size(), INT_MAX));
  std::unique_ptr<xmlDoc, DocDeleter> doc(
      htmlReadMemory(html.data(), size, nullptr, encoding, options));
  if (!doc) return {};
  TextBuilder out;
  RenderChildren(reinterpret_cast<const xmlNode*>(doc.get()), out, 0, false);
  return ToUtf8(out.Finish(), "");  // libxml2 writes UTF-8; this only guarantees it
}

}  // namespace rtcc::mail
