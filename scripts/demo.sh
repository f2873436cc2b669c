#!/usr/bin/env bash
# demo.sh — the README's demo command: sets up, builds, starts a loopback mail stack (Dovecot +
# Postfix on 127.0.0.1), enrols a small gallery (the five people of dlib's "johns" example),
# e-mails a sample request with a probe photo to the RTCC mailbox, and leaves rtccd running.
#
#   scripts/demo.sh          start everything (idempotent: restarts what a previous run left)
#   scripts/demo.sh mail     show the replies in the detective's mailbox (the newest in full)
#   scripts/demo.sh outcome positive|none
#                            the detective replies to the results with the outcome (policy 4.5.3.3)
#   scripts/demo.sh stop     stop rtccd and the mail stack
#
# Everything lives in $RTCC_DEMO_DIR (default /tmp/rtcc-demo).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
demo="${RTCC_DEMO_DIR:-/tmp/rtcc-demo}"
rtccd="$root/build/daemon/rtccd"
rtccctl="$root/build/cli/rtccctl"

stop_daemon() {
  if [ -f "$demo/rtccd.pid" ]; then
    kill "$(cat "$demo/rtccd.pid")" 2>/dev/null || true
    rm -f "$demo/rtccd.pid"
  fi
}

show_mail() {
  # shellcheck disable=SC1091
  . "$demo/mail/mailstack.env"
  local url="imap://127.0.0.1:$IMAP_PORT/INBOX"
  local curl=(curl -s --ssl-reqd --cacert "$CA_FILE" --user "$REQUESTOR_USER:$REQUESTOR_PASSWORD")
  local uids
  uids=$("${curl[@]}" "$url" -X 'UID SEARCH ALL' | tr -d '\r' | sed -n 's/^\* SEARCH//p')
  if [ -z "${uids// /}" ]; then echo "The detective's mailbox is empty (rtccd polls every 5 s)."; return; fi
  echo "Replies in $REQUESTOR_USER's INBOX:"
  for uid in $uids; do
    "${curl[@]}" "$url;UID=$uid;SECTION=HEADER.FIELDS%20(SUBJECT)" | tr -d '\r' | sed -n 's/^Subject: /  /p'
  done
  last="${uids##* }"
  echo; echo "---- the newest, in full ----"
  "${curl[@]}" "$url;UID=$last" | tr -d '\r' | sed '/^Content-Transfer-Encoding: quoted-printable/,$!d' |
    tail -n +2 | perl -pe 's/=\n//; s/=([0-9A-F]{2})/chr(hex($1))/ge'
}

send_outcome() {
  # shellcheck disable=SC1091
  . "$demo/mail/mailstack.env"
  local url="imap://127.0.0.1:$IMAP_PORT/INBOX"
  local curl=(curl -s --ssl-reqd --cacert "$CA_FILE" --user "$REQUESTOR_USER:$REQUESTOR_PASSWORD")
  local uid headers msgid subject outcome
  uid=$("${curl[@]}" "$url" -X 'UID SEARCH SUBJECT "search results"' | tr -d '\r' | sed -n 's/^\* SEARCH//p' | awk '{print $NF}')
  [ -n "$uid" ] || { echo "no results e-mail yet: approve the request first" >&2; exit 1; }
  headers=$("${curl[@]}" "$url;UID=$uid;SECTION=HEADER.FIELDS%20(MESSAGE-ID%20SUBJECT)" | tr -d '\r')
  msgid=$(sed -n 's/^Message-ID: *//Ip' <<<"$headers")
  subject=$(sed -n 's/^Subject: *//Ip' <<<"$headers")
  case "$1" in
    positive) outcome="positive identification" ;;
    none) outcome="no identification" ;;
    *) echo "usage: $0 outcome positive|none" >&2; exit 2 ;;
  esac
  printf 'From: Detective Demo <%s>\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <outcome-%s@%s>\r\nIn-Reply-To: %s\r\nReferences: %s\r\n\r\nOutcome: %s\r\n' \
    "$REQUESTOR_USER" "$RTCC_USER" "$subject" "$(date +%s)" "$MAIL_DOMAIN" "$msgid" "$msgid" "$outcome" > "$demo/outcome.eml"
  curl -s --ssl-reqd --cacert "$CA_FILE" "smtp://127.0.0.1:$SMTP_PORT/demo.client" \
    --mail-from "$REQUESTOR_USER" --mail-rcpt "$RTCC_USER" -T "$demo/outcome.eml"
  echo "sent \"Outcome: $outcome\" in reply to $msgid; see 'rtccctl log' after the next poll"
}

case "${1:-start}" in
  outcome)
    send_outcome "${2:-}"
    exit 0 ;;
  stop)
    stop_daemon
    [ -d "$demo/mail" ] && "$root/scripts/mailstack.sh" stop "$demo/mail"
    echo "demo stopped (files kept in $demo)"
    exit 0 ;;
  mail)
    show_mail
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|mail|stop]" >&2; exit 2 ;;
esac

"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"

# A fresh demo each time.
stop_daemon
[ -d "$demo/mail" ] && "$root/scripts/mailstack.sh" stop "$demo/mail" >/dev/null
rm -rf "$demo"
mkdir -p "$demo"
"$root/scripts/mailstack.sh" start "$demo/mail"
# shellcheck disable=SC1091
. "$demo/mail/mailstack.env"

faces="${RTCC_FACES_DIR:-$root/../shared/faces}/dlib_johns"
[ -d "$faces" ] || faces=/usr/share/doc/libdlib19.1/examples/johns
probe="$faces/John_Salley/000179_02159509.jpg"

cat > "$demo/rtcc.toml" <<TOML
# The demo's configuration; systemd/rtcc.toml.example documents every key.
[rtcc]
data_dir = "$demo/data"
templates_dir = "$root/templates"
poll_interval_seconds = 5

[imap]
url = "imap://127.0.0.1:$IMAP_PORT"       # STARTTLS, certificate verified against the test CA
user = "$RTCC_USER"
password_file = "$demo/mail/rtcc.password"
ca_file = "$CA_FILE"

[smtp]
url = "smtp://127.0.0.1:$SUBMISSION_PORT/rtcc.pd.test"
user = "$RTCC_USER"
password_file = "$demo/mail/rtcc.password"
ca_file = "$CA_FILE"
from = "$RTCC_USER"

[senders]
allowed_domains = ["$MAIL_DOMAIN"]

[roster]
analysts = ["analyst"]
supervisors = ["supervisor"]

[roster.os_users]
# rtccctl knows who runs it: this OS user acts as "analyst" (or pass --as NAME).
$(id -un) = "analyst"

[matcher]
threshold = 0.6
TOML

# The gallery: every photo of the five people except the probe.
for person in "$faces"/*/; do
  name=$(basename "$person")
  mkdir -p "$demo/gallery/$name"
  for photo in "$person"*.jpg; do
    [ "$photo" = "$probe" ] || cp "$photo" "$demo/gallery/$name/"
  done
done
"$rtccctl" --config "$demo/rtcc.toml" gallery enroll "$demo/gallery"

# The sample request, sent by the detective through the loopback SMTP server.
boundary="=-rtcc-demo-$$"
{
  printf 'From: Detective Demo <%s>\r\nTo: RTCC <%s>\r\n' "$REQUESTOR_USER" "$RTCC_USER"
  printf 'Subject: Facial recognition request - robbery at 5th Street\r\n'
  printf 'Message-ID: <demo-%s@%s>\r\nDate: %s\r\n' "$(date +%s)" "$MAIL_DOMAIN" "$(date -R)"
  printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="%s"\r\n\r\n' "$boundary"
  printf -- '--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' "$boundary"
  printf 'Hello RTCC,\r\n\r\nIncident Number: 2026-004512\r\nIncident Type: Armed robbery\r\n'
  printf 'Purpose: identify a suspect\r\n\r\nStill from the store camera, suspect at the counter.\r\n\r\n'
  printf -- '--%s\r\nContent-Type: image/jpeg; name="probe.jpg"\r\n' "$boundary"
  printf 'Content-Disposition: attachment; filename="probe.jpg"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
  base64 "$probe" | sed 's/$/\r/'
  printf -- '--%s--\r\n' "$boundary"
} > "$demo/request.eml"
curl -s --ssl-reqd --cacert "$CA_FILE" "smtp://127.0.0.1:$SMTP_PORT/demo.client" \
  --mail-from "$REQUESTOR_USER" --mail-rcpt "$RTCC_USER" -T "$demo/request.eml"

# rtccd, in the background.
nohup "$rtccd" --config "$demo/rtcc.toml" >"$demo/rtccd.log" 2>&1 &
echo $! > "$demo/rtccd.pid"

# Wait for the request to be filed.
for _ in $(seq 1 60); do
  id=$(RTCC_CONFIG="$demo/rtcc.toml" "$rtccctl" queue 2>/dev/null | grep -o 'RTCC-[0-9]*-[0-9]*' | head -1 || true)
  [ -n "$id" ] && break
  sleep 0.5
done
[ -n "${id:-}" ] || { echo "rtccd did not file the request; see $demo/rtccd.log" >&2; tail "$demo/rtccd.log" >&2; exit 1; }

cat <<TXT

rtcc demo is running (rtccd pid $(cat "$demo/rtccd.pid"), log $demo/rtccd.log).
The detective's request is $id, waiting for an analyst. Next:

  export RTCC_CONFIG=$demo/rtcc.toml
  $rtccctl queue                      # what waits for a decision
  $rtccctl show $id
  $rtccctl approve $id --analyst analyst --reason "armed robbery suspect, probe usable"
  scripts/demo.sh mail                # the detective's mailbox: acknowledgement, then results (~5 s)
  $rtccctl log                        # the search log (policy 4.5.3.3)

  scripts/demo.sh outcome positive    # the detective replies with the outcome; the log records it
  scripts/demo.sh stop                # stops rtccd and the mail stack
TXT
