// The text a reader sees in an HTML body, so that "Incident Type: Robbery" in an Outlook or Gmail
// HTML-only message is found by ExtractBodyFields. libxml2's HTML parser does the parsing and the
// entities; this walks its tree.
#pragma once

#include <string>
#include <string_view>

namespace rtcc::mail {

// UTF-8 text with '\n' line ends. Block elements (p, div, li, h1, ...) and <br> end lines; the
// cells of a table row are joined by a space on one line when each holds one line
// ("Incident Type:" | "Robbery"), else each cell is a block; script, style, head and template are
// skipped; the lines of a <blockquote> start with "> " (quoted text stays quoted); no-break spaces
// become spaces; runs of white space collapse as a browser shows them (except in <pre>); at most
// one blank line in a row. `charset` is the MIME charset parameter: when given it wins over the
// document's <meta> (the bytes are converted with iconv first); when empty, libxml2 reads <meta>.
// Never throws on malformed HTML; no network access.
std::string HtmlToText(std::string_view html, std::string_view charset);

}  // namespace rtcc::mail
