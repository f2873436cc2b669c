#!/usr/bin/env python3
"""Writes the seed corpus of fuzz/text_fuzzer.cc into fuzz/text_corpus/ and its full-size
pathological seeds into fuzz/text_corpus_long/ (run from anywhere; the files are committed, this
script documents and regenerates them).

An input is fields separated by 0x1E: subject, text body, HTML body, charset, References,
Message-ID, From name, configured phrases, Content-Disposition, composer controls (the composer
runs only when the tenth field is present; its first byte picks the reply kind, 0-7). Small seeds
reach each reader; pathological ones (long lines, deep nesting, repetitions) stay under 64 KB.
"""
import hashlib
import hmac
import os

SEP = b"\x1e"
HERE = os.path.dirname(os.path.abspath(__file__))
MAX = 64 * 1024 - 1
# The secret of text_fuzzer.cc's ThreadToken, so that the seeds carry tokens that verify.
SECRET = b"text_fuzzer secret, 32 bytes long"
FIELDS = ["subject", "body", "html", "charset", "references", "message_id", "from_name",
          "phrases", "disposition", "controls"]


def token(request_id, nonce="0123456789abcdef01234567", domain="pd.test"):
    mac = hmac.new(SECRET, f"{request_id}|{nonce}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"rtcc.{request_id}.{nonce}.{mac}@{domain}"


def seed(compose=None, **fields):
    """The input for `fields` (bytes or str); `compose`: reply kind 0-7, None: no composer."""
    parts = []
    for name in FIELDS[:-1]:
        v = fields.get(name, b"")
        parts.append(v.encode() if isinstance(v, str) else v)
    if compose is not None:
        parts.append(bytes([compose]) + fields.get("options", b"\x00"))
    data = SEP.join(parts)
    assert len(data) <= MAX, len(data)
    return data


REQUEST_BODY = """Incident Number: 2026-004512
Incident Type: Robbery
Purpose: identify a suspect

Photo from the store camera attached.
--
Det. Smith
"""

SEEDS = {
    # --- small seeds, one or more readers each ------------------------------------------------
    "subject_reply_chain": seed(subject="Re: AW: Fwd: RE[2]: SV: [RTCC-2026-000001] Photo"),
    "subject_withdrawn_suffix": seed(subject="Re: Photo [rtcc-2026-000001] - request withdrawn"),
    "subject_encoded": seed(subject="=?UTF-8?Q?Re=3A_Foto_=5BRTCC-2026-000001=5D?= =?ISO-8859-1?Q?Jos=E9?="),
    "subject_withdraw": seed(subject="Fwd: Withdraw [RTCC-2026-000007]"),
    "request_fields": seed(subject="FR request", body=REQUEST_BODY),
    "fields_bullets": seed(body="- **Incident #:** 2026-1\n\u2022 Offense Type: Burglary\n"
                                "\u00b7 Reason for search: witness\n* Case No.: 7\n"),
    "purpose_clauses": seed(body="Purpose: 4.5.1(c)\nPurpose of the search: (e)\n4.5.1 b\n"),
    "purpose_words": seed(body="Purpose: DOA, unidentified remains; arrestee refuses to identify\n"
                               "internal affairs, I.A. case; missing person with dementia\n"),
    "outcome_positive": seed(body="Outcome: positive identification, candidate #2, subject John_Simm\n"),
    "outcome_negative": seed(body="Outcome: no positive ID - not identified\n"),
    "outcome_inconclusive": seed(body="Result of the search: unable to determine, not yet known\n"),
    "outcome_rank": seed(body="Outcome: identity confirmed rank 3 gallery id: A.B-C_9\n"),
    "withdraw_body": seed(body="\n\n  Please withdraw this request.\nWithdraw: yes\n"),
    "outlook_quote": seed(body="Outcome: positive\n\nFrom: RTCC <rtcc@pd.test>\nSent: Tuesday\n"
                               "To: Smith\nSubject: Re: FR [RTCC-2026-000001]\n\nPurpose: victim\n"),
    "quote_header": seed(body="Purpose: witness\nOn Tue, 24 Nov 2026 RTCC wrote:\n> Purpose: x\n"),
    "prohibited_default": seed(body="Purpose: my ex girlfriend, personal, live feed of the "
                                    "protesters at the rally; tracking him, surveillance\n"),
    "prohibited_configured": seed(body="Purpose: watch the stadium crowd\n",
                                  phrases="stadium crowd\nwatch*\n*\n\nCROWD"),
    "html_outlook": seed(html="<html><head><style>p{}</style><title>t</title></head><body>"
                              "<p class=MsoNormal><![if !supportLists]>1.<![endif]>Incident Type: "
                              "Robbery</p><table><tr><td>Purpose:</td><td>suspect</td></tr></table>"
                              "<blockquote><p>quoted</p><blockquote>deeper<br>line</blockquote>"
                              "</blockquote><pre>  keep\n\n\n  this</pre>&nbsp;<p>&nbsp;</p>"
                              "<script>x</script></body></html>"),
    "html_meta_charset": seed(html=b"<meta charset=iso-8859-1><p>Jos\xe9 &amp; &#13;&#x263a;</p>"),
    "html_declared_charset": seed(html=b"<p>\x83e\x83X\x83g</p><div>Purpose: DOA</div>",
                                  charset="Shift_JIS"),
    "html_utf16": seed(html="<p>Incident Type: Fraud</p>".encode("utf-16"), charset="utf-16"),
    "references_tokens": seed(references=f"<a@pd.test> <{token('RTCC-2026-000001')}>\r\n "
                                         f"<{token('RTCC-2026-000002', domain='x')}> bare"),
    "message_id_bare": seed(message_id=token("RTCC-2026-000003")),
    "message_id_forged": seed(message_id="RTCC-2026-000042", subject="[RTCC-2026-000042]"),
    "from_name_encoded": seed(from_name="=?UTF-8?B?SsO2cmc=?= =?utf-8?q?M=C3=BCller?= \"x\""),
    "rfc2231_continuations": seed(disposition="attachment; filename*0*=UTF-8''Caf%C3%A9%20; "
                                              "filename*1*=%C3%A0.jpg; size=10 (bytes)"),
    "rfc2231_encoded_word": seed(disposition='inline; name="=?UTF-8?B?w6kuanBn?="; filename="a;b.jpg'),
}

# Regressions: inputs that broke an invariant, kept as found (minimised).
SEEDS.update({
    # BaseSubject removed "[RTCC-2026-000001]" and left the tag that revealed: the reply's subject
    # named request 000002 first.
    "regress_nested_tag": seed(subject="Re: [RTCC-2026-[RTCC-2026-000001]000002] x"),
    "regress_nested_tag_compose": seed(compose=0, subject="[rtcc-2026-[RTCC-2026-000001]000002]"),
    # A CR LF encoded in the subject reached the reply's Subject: BuildMessage threw, the request
    # was never filed.
    "regress_encoded_crlf_subject": seed(compose=0, subject="Photo =?UTF-8?Q?a=0D=0ABcc=3A_x?="),
    "regress_encoded_lf_subject_too_large": seed(compose=7, subject="=?UTF-8?B?YQpi?="),
    # Text that is an encoded word (encoded twice by its sender) went out as written: readers
    # decoded it, and saw "[RTCC-2026-000009]" first in the reply's subject.
    "regress_encoded_twice_compose": seed(
        compose=0, subject="=?UTF-8?Q?=3D=3FUTF-8=3FQ=3F=3D5BRTCC-2026-000009=3D5D=3F=3D_x?="),
    "regress_encoded_twice_name": seed(from_name="=?UTF-8?Q?=3D=3FUTF-8=3FQ=3Fa=3F=3D?="),
})

# The reply composer, once per reply kind, with what reaches it from the incoming mail.
for kind, name in enumerate(["acknowledgement", "needs_info", "outcome_recorded",
                             "outcome_unclear", "outcome_needs_thread", "withdrawn",
                             "cannot_withdraw", "too_large"]):
    SEEDS[f"compose_{name}"] = seed(
        compose=kind,
        subject="Re: =?UTF-8?Q?Foto_f=C3=BCr?= [RTCC-2026-000001] - information needed",
        body=REQUEST_BODY + "Outcome: positive identification, candidate 1\n",
        references=f"<first@pd.test> <{token('RTCC-2026-000001')}>",
        message_id="<reply.1@pd.test>",
        from_name="=?UTF-8?Q?Det=2E_M=C3=BCller?=",
        disposition="attachment; filename*=UTF-8''report%20n%C2%B01.pdf",
        options=b"\x01" if name == "too_large" else b"\x00")

# --- pathological seeds: long lines, deep nesting, repetitions ------------------------------
def pathological(k):
    """The pathological seeds with their repetitions scaled by `k` (1: up to 64 KB)."""
    def n(count):
        return max(1, int(count * k))

    return {
        "long_spaces_everywhere": SEP.join([b" " * n(6000)] * 10),
        "long_line_spaces_body": seed(body=" " * n(60000)),
        "long_line_spaces_subject": seed(subject=" " * n(60000) + "x"),
        "long_line_tabs_html": seed(html="<p>" + "\t " * n(30000) + "</p>"),
        "re_fwd_repeated": seed(subject="Re: Fwd: " * n(6500) + "Photo"),
        "re_fwd_repeated_compose": seed(compose=0, subject="RE[12]: AW:" * n(5000) + "x"),
        "prefix_no_colon": seed(subject="Re " * n(19000) + ":"),
        "deep_div": seed(html="<div>" * n(12000) + "Incident Type: Robbery"),
        "deep_blockquote": seed(html="<blockquote>" * n(5000) + "x" + "</blockquote>" * 50),
        "deep_table": seed(html="<table><tr><td>" * n(3500) + "Purpose:"),
        "deep_mixed_nesting": seed(html="<ul><li><b><i><span>" * n(2500)),
        "many_breaks": seed(html="<br>" * n(15000) + "<p></p>" * n(500)),
        "many_cells": seed(html="<table><tr>" + "<td>Purpose:</td>" * n(3500) + "</tr></table>"),
        "list_markers_unclosed": seed(html="<p><![if !supportLists]>" * n(2500) + "x"),
        "conditionals_repeated": seed(html="<![if !vml]>" * n(5000)),
        "entities_repeated": seed(html="&nbsp;&#13;&#xA0;&amp;" * n(2700)),
        "flag_phrases_repeated": seed(body="live feed " * n(6000)),
        "flag_phrase_prefix_repeated": seed(body="Purpose: " + "xtrack" * n(9000)),
        "configured_phrases_long": seed(body="a" * n(30000), phrases=("a" * 47 + "b\n") * 16),
        "configured_phrases_many": seed(body="watch " * n(4000), phrases="watch*\n" * n(3000)),
        "references_thousands": seed(
            references="".join(f"<id{i}@pd.test> " for i in range(n(3500)))),
        "references_thousands_compose": seed(
            compose=7, options=b"\x01", references="".join(f"<{i}@p> " for i in range(n(6000)))),
        "references_unclosed": seed(references="<" * n(60000)),
        "references_token_like": seed(
            references=f"<rtcc.RTCC-2026-000001.{'0' * 24}.{'f' * 32}@" * n(700)),
        "labels_many_colons": seed(body="Purpose" + ":" * n(60000)),
        "labels_colon_lines": seed(body="a:\n" * n(20000)),
        "label_long_before_colon": seed(body="incident " * n(6000) + ": 1"),
        "labels_repeated": seed(body="Incident Type:\nPurpose:  \nOutcome: *\n" * n(1500)),
        "quote_header_long": seed(body="On " + "x" * n(60000) + " wrote:"),
        "from_blocks_repeated": seed(body="From: a\nFrom: b\nSent: c\n" * n(2000)),
        "crlf_lines": seed(body="\r\n" * n(30000)),
        "encoded_words_repeated": seed(subject="=?UTF-8?B?w6k=?= " * n(3500)),
        "encoded_words_unclosed": seed(subject="=?" * n(30000),
                                       from_name="=?UTF-8?Q?" + "=" * n(5000)),
        "tags_repeated": seed(subject="[RTCC-2026-000001]" * n(3300)),
        "tags_nested": seed(compose=5, subject="[RTCC-2026-" * n(2700) + "000001]" * n(2700)),
        "tags_lowercase_repeated": seed(subject="Re: [rtcc-2026-000001] - a" * n(2000)),
        "brackets_repeated": seed(subject="[" * n(30000) + "RTCC-2026-000001]"),
        "rfc2231_many_segments": seed(disposition="attachment" + "".join(
            f"; filename*{i}*=%41" for i in range(n(2500)))),
        "rfc2231_long_quoted": seed(disposition='attachment; filename="' + "\\\"" * n(20000)),
        "withdraw_lines": seed(body="\n" * n(30000) + "please withdraw"),
    }


# Full size (up to 64 KB) in text_corpus_long/: scripts/fuzz.sh runs each of them before fuzzing,
# but does not mutate them (at 10-50 ms an execution under ASan they made the fuzzer ~10 times
# slower); the fuzzer mutates copies 1/16 of their size, in text_corpus/, and may grow any input
# to 64 KB (-max_len=65536).
LONG = pathological(1)
SEEDS.update({name + "_short": data for name, data in pathological(1 / 16).items()})


def main():
    for directory, seeds in (("text_corpus", SEEDS), ("text_corpus_long", LONG)):
        out = os.path.join(HERE, directory)
        os.makedirs(out, exist_ok=True)
        for name, data in seeds.items():
            assert len(data) <= MAX, (name, len(data))
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)
        print(f"{len(seeds)} seeds in {out}")


if __name__ == "__main__":
    main()
