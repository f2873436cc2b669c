#include "mail/html_text.h"

#include <gtest/gtest.h>

#include "mail/body_fields.h"

namespace rtcc::mail {
namespace {

// The shape of an Outlook (Word engine) HTML body: styles in head, MsoNormal paragraphs, o:p,
// &nbsp;, conditional comments, a table of labels and values whose cells hold paragraphs.
const std::string kOutlookHtml =
    R"html(<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=us-ascii">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<style><!--
/* Font Definitions */
@font-face {font-family:"Cambria Math";}
p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0in; font-size:11.0pt; font-family:"Calibri",sans-serif;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]-->
</head>
<body lang="EN-US" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">
<div class="WordSection1">
<p class="MsoNormal">Good morning RTCC,<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Please run the attached still.<o:p></o:p></p>
<p class="MsoNormal"><b>Incident Number:</b>&nbsp;2026-004512<o:p></o:p></p>
<table class="MsoTableGrid" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;border:none">
<tr>
<td width="156" valign="top" style="width:117.0pt;border:solid windowtext 1.0pt;padding:0in 5.4pt 0in 5.4pt">
<p class="MsoNormal"><b>Incident Type:<o:p></o:p></b></p>
</td>
<td width="156" valign="top" style="width:117.0pt;border:solid windowtext 1.0pt;padding:0in 5.4pt 0in 5.4pt">
<p class="MsoNormal">Robbery &amp; assault<o:p></o:p></p>
</td>
</tr>
<tr>
<td width="156" valign="top"><p class="MsoNormal"><b>Purpose:<o:p></o:p></b></p></td>
<td width="156" valign="top"><p class="MsoNormal">identify a suspect<o:p></o:p></p></td>
</tr>
</table>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Det. J. Smith<o:p></o:p></p>
</div>
</body>
</html>
)html";

TEST(HtmlText, OutlookBodyFieldsAreFound) {
  std::string text = HtmlToText(kOutlookHtml, "us-ascii");
  EXPECT_EQ(text,
            "Good morning RTCC,\n"
            "\n"
            "Please run the attached still.\n"
            "Incident Number: 2026-004512\n"
            "Incident Type: Robbery & assault\n"
            "Purpose: identify a suspect\n"
            "\n"
            "Det. J. Smith");
  BodyFields f = ExtractBodyFields(text);
  EXPECT_EQ(f.incident_number, "2026-004512");
  EXPECT_EQ(f.incident_type, "Robbery & assault");
  EXPECT_EQ(f.purpose, "identify a suspect");
}

TEST(HtmlText, OutlookListMarkersAreSkipped) {
  std::string html =
      "<p class=MsoListParagraph style='text-indent:-.25in;mso-list:l0 level1 lfo1'>"
      "<![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>"
      "&middot;<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; "
      "</span></span></span><![endif]>Incident Type: Robbery<o:p></o:p></p>"
      "<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><![if !supportLists]><span "
      "style='mso-list:Ignore'>2.<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp; "
      "</span></span><![endif]>Purpose: suspect<o:p></o:p></p>"
      "<p><![if !vml]><img src=\"cid:image001.png\"><![endif]>Caption</p>";
  std::string text = HtmlToText(html, "windows-1252");
  EXPECT_EQ(text, "Incident Type: Robbery\nPurpose: suspect\nCaption");
  EXPECT_EQ(ExtractBodyFields(text).purpose, "suspect");
}

TEST(HtmlText, GmailDivsBreaksAndQuotes) {
  std::string html =
      "<div dir=\"ltr\"><div>Incident Type: Burglary</div><div>Purpose:&nbsp;witness</div>"
      "<div><br></div><div>Thanks</div></div><br><div class=\"gmail_quote\"><div dir=\"ltr\" "
      "class=\"gmail_attr\">On Tue, Nov 24, 2026 at 10:00 AM RTCC &lt;<a "
      "href=\"mailto:rtcc@pd.test\">rtcc@pd.test</a>&gt; wrote:<br></div><blockquote "
      "class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex\">Incident Type: quoted<br>"
      "Purpose: quoted</blockquote></div>";
  std::string text = HtmlToText(html, "UTF-8");
  EXPECT_EQ(text,
            "Incident Type: Burglary\nPurpose: witness\n\nThanks\n\n"
            "On Tue, Nov 24, 2026 at 10:00 AM RTCC <rtcc@pd.test> wrote:\n"
            "> Incident Type: quoted\n> Purpose: quoted");
  BodyFields f = ExtractBodyFields(text);
  EXPECT_EQ(f.incident_type, "Burglary");
  EXPECT_EQ(f.purpose, "witness");
}

TEST(HtmlText, ScriptsStylesAndEntities) {
  std::string html =
      "<html><head><title>T</title><script>var x = 'Incident Type: no';</script></head><body>"
      "<style>p{}</style><p>Caf&eacute; &#8212; 5 &lt; 6 &amp;&nbsp;more</p>"
      "<script>document.write('no')</script><pre>a  b\n  c</pre><ul><li>one</li><li>two</li>"
      "</ul></body></html>";
  EXPECT_EQ(HtmlToText(html, "utf-8"),
            "Caf\xC3\xA9 \xE2\x80\x94 5 < 6 & more\na  b\n  c\none\ntwo");
}

TEST(HtmlText, CharsetFromMimeWinsElseFromMeta) {
  // windows-1252 bytes (0x93/0x94 are curly quotes, 0xE9 is e-acute).
  std::string html = "<p>\x93Jos\xE9\x94</p>";
  EXPECT_EQ(HtmlToText(html, "windows-1252"), "\xE2\x80\x9CJos\xC3\xA9\xE2\x80\x9D");
  // The MIME charset wins over a wrong <meta>.
  EXPECT_EQ(HtmlToText("<meta charset=\"utf-8\"><p>Jos\xE9</p>", "iso-8859-1"), "Jos\xC3\xA9");
  // No MIME charset: the document's <meta> is read.
  EXPECT_EQ(HtmlToText("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                       "charset=iso-8859-1\"></head><body><p>Jos\xE9</p></body></html>",
                       ""),
            "Jos\xC3\xA9");
}

TEST(HtmlText, LayoutTablesKeepTheirLines) {
  // A whole body inside one layout cell: its lines stay lines.
  std::string html =
      "<table><tr><td><p>Incident Type: Theft</p><p>Purpose: victim</p></td></tr></table>";
  EXPECT_EQ(HtmlToText(html, "utf-8"), "Incident Type: Theft\nPurpose: victim");
  // Nested table inside a cell of a two-cell row.
  std::string nested =
      "<table><tr><td>left</td><td><table><tr><td>A:</td><td>1</td></tr><tr><td>B:</td>"
      "<td>2</td></tr></table></td></tr></table>";
  EXPECT_EQ(HtmlToText(nested, "utf-8"), "left\nA: 1\nB: 2");
}

TEST(HtmlText, GarbageAndDepthAreHarmless) {
  EXPECT_EQ(HtmlToText("", ""), "");
  EXPECT_EQ(HtmlToText("<<<>>>&&&;;<p", "utf-8").find('\0'), std::string::npos);
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<div><span>";
  deep += "x";
  std::string text = HtmlToText(deep, "utf-8");  // no stack overflow
  EXPECT_LE(text.size(), 1u);
  EXPECT_EQ(HtmlToText("<p>plain</p>", "no-such-charset"), "plain");
}

}  // namespace
}  // namespace rtcc::mail
