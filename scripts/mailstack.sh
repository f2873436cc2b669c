#!/usr/bin/env bash
# mailstack.sh — a real, throw-away mail stack on loopback for rtcc's demo and integration tests.
#
#   scripts/mailstack.sh start  DIR   # start Dovecot + Postfix with everything kept under DIR
#   scripts/mailstack.sh stop   DIR   # stop what `start DIR` started (by recorded pid only)
#   scripts/mailstack.sh status DIR   # exit 0 if both masters are running, 1 otherwise
#   scripts/mailstack.sh imap-stop DIR / imap-start DIR
#                                     # stop / start Dovecot alone (tests of an IMAP outage);
#                                     # Postfix keeps accepting mail and delivers it once Dovecot is back
#   scripts/mailstack.sh flush DIR    # ask Postfix to retry its deferred mail now
#   scripts/mailstack.sh token DIR USER [SECONDS]
#                                     # print an OAuth2 bearer token (a JWT) for USER, valid
#                                     # SECONDS (default 3600): XOAUTH2/OAUTHBEARER logins to IMAP
#                                     # and SMTP, checked by Dovecot against a local HS256 key
#
# What `start` builds under DIR (an empty or non-existent directory, or one used by an earlier run):
#   Dovecot 2.3  — IMAP (STARTTLS) and IMAPS for the users, LMTP for Postfix, SASL auth for Postfix;
#   Postfix 3.x  — SMTP (port-25-like, no auth, for injecting test mail from 127.0.0.1),
#                  submission (STARTTLS + AUTH required) and SMTPS (implicit TLS + AUTH);
#   a private test CA and a server certificate for localhost / 127.0.0.1;
#   three users in the domain pd.test (rtcc, detective, analyst) with random passwords.
# Mail to the three addresses goes SMTP -> Postfix -> LMTP -> Dovecot -> Maildir INBOX, unread.
# Like Microsoft 365 and Gmail, the server keeps a copy of what rtcc@ submits in rtcc's "Sent"
# folder (Postfix sender_bcc_maps to rtcc+Sent@, Dovecot saves +detail to that mailbox): rtcc
# checks it before re-sending a reply whose first attempt may have gone out.
# Mail to any other address is refused at RCPT time and, as a second guard, every non-local
# transport is `error:`: nothing ever leaves the machine. Everything listens on 127.0.0.1 only.
#
# When `start` returns 0 the stack serves, and DIR/mailstack.env (KEY=VALUE lines, shell-sourceable,
# no quoting) says where: ports, CA file, users and passwords, dovecot.conf for `doveadm -c`.
# DIR/rtcc.password holds the rtcc password alone (mode 0600).
#
# Layout of DIR:  mailstack.env  rtcc.password  log/{dovecot,postfix}.log  tls/  dovecot/
#                 postfix/{conf,queue,data}  mail/<domain>/<user>/Maildir  run/ (sockets)
#                 state/ (recorded master pids, passwords, port base, Dovecot state)
# Passwords, certificates, mail and the Postfix queue survive `stop`; a later `start` on the same DIR
# reuses them (like a server restart). Use a fresh DIR for a clean slate.
#
# Ports: base + {25 smtp, 143 imap, 465 smtps, 587 submission, 993 imaps}. The base is
# $RTCC_MAILSTACK_PORT_BASE if set (start fails if one of its ports is busy); otherwise the base of
# DIR's previous run, then 10000, 11000, ... 30000, the first whose five ports are all free.
# Starts are serialised through a lock in /tmp so parallel starts do not pick the same base.
#
# Must run as root (Dovecot and Postfix masters need it). Facts and pitfalls behind the settings:
# /work/shared/notes/loopback-mail-stack.md ("the notes" below).
set -euo pipefail

readonly MAIL_DOMAIN=pd.test
# Env-file key prefix -> local part. Order matters only for the env file.
readonly USER_KEYS=(RTCC REQUESTOR ANALYST)
declare -A USER_LOCAL=([RTCC]=rtcc [REQUESTOR]=detective [ANALYST]=analyst)
# Offsets from the port base (mnemonic: base 10000 gives 10025, 10143, 10465, 10587, 10993).
declare -A PORT_OFFSET=([SMTP]=25 [IMAP]=143 [SMTPS]=465 [SUBMISSION]=587 [IMAPS]=993)
readonly PORT_KEYS=(SMTP IMAP SMTPS SUBMISSION IMAPS)
readonly STOP_TIMEOUT=${RTCC_MAILSTACK_STOP_TIMEOUT:-5}     # seconds before SIGKILL
readonly START_TIMEOUT=${RTCC_MAILSTACK_START_TIMEOUT:-15}  # seconds to wait for readiness
readonly PORT_LOCK=/tmp/rtcc-mailstack.ports.lock

die() { echo "mailstack: $*" >&2; exit 1; }
say() { echo "mailstack: $*" >&2; }

usage() {
  cat >&2 <<EOF
usage: $0 start DIR | stop DIR | status DIR | imap-stop DIR | imap-start DIR | flush DIR | queue DIR
       $0 token DIR USER [SECONDS]
  start   start Dovecot + Postfix on 127.0.0.1 with config, state, mail and logs under DIR;
          writes DIR/mailstack.env (env RTCC_MAILSTACK_PORT_BASE picks the port base)
  stop    stop the processes that 'start DIR' started (safe to repeat)
  status  exit 0 if both masters for DIR are running
  imap-stop / imap-start   stop or start Dovecot alone (an IMAP outage for tests)
  flush   ask Postfix to deliver its deferred mail now
  queue   print how many messages Postfix still holds (0: everything handed over was delivered)
  token   print an OAuth2 bearer token (JWT) for USER that IMAP and SMTP accept
EOF
  exit 2
}

# ---------------------------------------------------------------------------------------------
# Paths (set by set_paths DIR)
# ---------------------------------------------------------------------------------------------
set_paths() {
  D=$1
  MARKER=$D/.mailstack          # presence = "this DIR belongs to mailstack.sh"; also the DIR lock
  ENV_FILE=$D/mailstack.env
  LOG_DIR=$D/log
  TLS_DIR=$D/tls
  STATE_DIR=$D/state
  DOVECOT_DIR=$D/dovecot
  DOVECOT_CONF=$DOVECOT_DIR/dovecot.conf
  DOVECOT_USERS=$DOVECOT_DIR/users
  POSTFIX_DIR=$D/postfix/conf   # config_directory; kept apart from the queue, or `postfix start`'s
  POSTFIX_QUEUE=$D/postfix/queue # integrity check warns about every postfix-owned queue dir in it
  POSTFIX_DATA=$D/postfix/data
  MAIL_ROOT=$D/mail
  DOVECOT_PIDFILE=$STATE_DIR/dovecot.master.pid
  POSTFIX_PIDFILE=$STATE_DIR/postfix.master.pid
  RUN_DIR_FILE=$STATE_DIR/run_dir  # where the sockets live for the current run (see cmd_start)
}

# Absolute, physical path of DIR (created if missing); refuse characters that would break the
# Postfix/Dovecot config syntax or the KEY=VALUE env file.
resolve_dir() {
  local dir=$1 create=$2
  [[ -n $dir ]] || usage
  if [[ $create == yes ]]; then
    mkdir -p -- "$dir" || die "cannot create $dir"
  fi
  [[ -d $dir ]] || return 1
  dir=$(cd -- "$dir" && pwd -P)
  [[ $dir =~ ^[A-Za-z0-9._/+-]+$ ]] ||
    die "DIR '$dir' must consist of [A-Za-z0-9._/+-] only (it goes into config files and mailstack.env)"
  printf '%s\n' "$dir"
}

# ---------------------------------------------------------------------------------------------
# Process helpers: everything is keyed on the recorded master pid, never on a process name.
# ---------------------------------------------------------------------------------------------
read_pidfile() {  # prints the pid in $1 (Postfix pads it with spaces), or fails
  local pid
  [[ -f $1 ]] || return 1
  pid=$(tr -d ' \n\t' <"$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$pid"
}

# is_our_master PID KIND: the pid is alive AND is the master this DIR started. Guards against pid
# reuse: both masters chdir to a directory that is unique to DIR (Dovecot: its base_dir; Postfix:
# its queue_directory), so comparing /proc/PID/cwd identifies them without looking at names.
is_our_master() {
  local pid=$1 kind=$2 want cwd
  [[ -n $pid ]] && proc_alive "$pid" || return 1
  case $kind in
    dovecot) want=$(cat "$RUN_DIR_FILE" 2>/dev/null)/dovecot ;;
    postfix) want=$POSTFIX_QUEUE ;;
  esac
  cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 1
  [[ $cwd == "$want" ]]
}

# Live (non-zombie) pids whose session id is $1 (both masters call setsid, so sid == master pid).
# Zombies are skipped: the masters are daemons reparented to whatever reaps orphans here, which can
# take a second or two to collect them — waiting for that made `stop` take 4 s instead of ~1 s.
session_members() {
  ps -e -o pid=,sid=,stat= 2>/dev/null | awk -v s="$1" '$2 == s && $3 !~ /^Z/ { print $1 }'
}

proc_alive() {  # $1 exists and is not a zombie
  local st
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ -n $st && $st != Z* ]]
}

# stop_master PIDFILE KIND: SIGTERM the recorded master, wait for it and its session to go away,
# then SIGKILL that session. Idempotent: a missing or stale pid file is simply removed.
stop_master() {
  local pidfile=$1 kind=$2 pid deadline members
  pid=$(read_pidfile "$pidfile") || { rm -f "$pidfile"; return 0; }
  if is_our_master "$pid" "$kind"; then
    kill -TERM "$pid" 2>/dev/null || true
  elif proc_alive "$pid"; then
    # Alive but not ours: the pid was reused after our master died. Touch nothing.
    rm -f "$pidfile"
    return 0
  fi
  # A pid cannot be reused while it is still some live process's session id, so the members of
  # session $pid are this master's processes even if the master itself has already gone.
  deadline=$((SECONDS + STOP_TIMEOUT))
  while members=$(session_members "$pid"); [[ -n $members ]] && ((SECONDS < deadline)); do
    sleep 0.02
  done
  if [[ -n $members ]]; then
    say "$kind master $pid did not stop within ${STOP_TIMEOUT}s; sending SIGKILL to its session"
    # shellcheck disable=SC2086  # word splitting of the pid list is intended
    kill -KILL -- -"$pid" $members 2>/dev/null || true
    deadline=$((SECONDS + 2))
    while [[ -n $(session_members "$pid") ]] && ((SECONDS < deadline)); do sleep 0.02; done
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------------------------------------
# Ports
# ---------------------------------------------------------------------------------------------
listening_ports() {  # every local TCP port something listens on (any address)
  if command -v ss >/dev/null; then
    ss -Hltn 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }'
  else
    local p  # fallback: probe only our candidate ports with bash's /dev/tcp
    for p in "$@"; do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && echo "$p"; done
  fi
}

ports_for_base() {  # prints the five ports of base $1
  local k
  for k in "${PORT_KEYS[@]}"; do echo $(($1 + PORT_OFFSET[$k])); done
}

busy_ports_of_base() {  # prints the ports of base $1 that are taken
  local base=$1 p busy
  # shellcheck disable=SC2046  # one argument per port is intended
  busy=$(listening_ports $(ports_for_base "$base") | sort -u)
  for p in $(ports_for_base "$base"); do grep -qx "$p" <<<"$busy" && echo "$p"; done
  return 0
}

choose_ports() {  # sets PORT[SMTP] ... PORT[IMAPS] and PORT_BASE
  local base candidates=() busy prev
  if [[ -n ${RTCC_MAILSTACK_PORT_BASE:-} ]]; then
    base=$RTCC_MAILSTACK_PORT_BASE
    if ! [[ $base =~ ^[0-9]+$ ]] || ((base < 1024 || base > 64500)); then
      die "RTCC_MAILSTACK_PORT_BASE=$base: want a number in 1024..64500"
    fi
    busy=$(busy_ports_of_base "$base")
    [[ -z $busy ]] || die "RTCC_MAILSTACK_PORT_BASE=$base: port(s) already in use: ${busy//$'\n'/ }"
  else
    prev=$(cat "$STATE_DIR/port_base" 2>/dev/null || true)
    [[ $prev =~ ^[0-9]+$ ]] && candidates+=("$prev")
    for ((base = 10000; base <= 30000; base += 1000)); do candidates+=("$base"); done
    base=
    for prev in "${candidates[@]}"; do
      if [[ -z $(busy_ports_of_base "$prev") ]]; then base=$prev; break; fi
    done
    [[ -n $base ]] || die "no free port base in 10000..30000 (set RTCC_MAILSTACK_PORT_BASE)"
  fi
  PORT_BASE=$base
  declare -gA PORT=()
  local k
  for k in "${PORT_KEYS[@]}"; do PORT[$k]=$((base + PORT_OFFSET[$k])); done
  echo "$base" >"$STATE_DIR/port_base"
}

# ---------------------------------------------------------------------------------------------
# Files: certificates, users, configs
# ---------------------------------------------------------------------------------------------
make_certs() {
  # A tiny CA plus a leaf signed by it (rather than one self-signed leaf): strict verifiers
  # (OpenSSL 3, rustls, Python's VERIFY_X509_STRICT) reject a CA:TRUE cert used as a server cert.
  # Reused across restarts unless missing or expiring within a day.
  if [[ -s $TLS_DIR/ca.pem && -s $TLS_DIR/server.pem && -s $TLS_DIR/server.key ]] &&
     openssl x509 -in "$TLS_DIR/server.pem" -noout -checkend 86400 >/dev/null 2>&1; then
    return 0
  fi
  local tmp
  tmp=$(mktemp -d "$TLS_DIR/.new.XXXXXX")
  # EC P-256: key generation takes milliseconds (RSA would cost a noticeable part of start-up).
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days 3650 -subj "/O=rtcc test/CN=rtcc mailstack test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$tmp/server.key" -out "$tmp/server.csr" -subj "/O=rtcc test/CN=localhost" \
    >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
  cat >"$tmp/ext" <<EOF
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
EOF
  openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days 825 -extfile "$tmp/ext" -out "$tmp/server.pem" \
    >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
  chmod 600 "$tmp/ca.key" "$tmp/server.key"
  chmod 644 "$tmp/ca.pem" "$tmp/server.pem"
  mv -f "$tmp/ca.key" "$tmp/ca.pem" "$tmp/server.key" "$tmp/server.pem" "$TLS_DIR/"
  rm -rf "$tmp"
}

load_or_make_passwords() {  # sets PASS[RTCC] ...; persisted in state/passwords (0600)
  declare -gA PASS=()
  local f=$STATE_DIR/passwords k v
  if [[ -f $f ]]; then
    while IFS='=' read -r k v; do [[ -n $k ]] && PASS[$k]=$v; done <"$f"
  fi
  for k in "${USER_KEYS[@]}"; do
    # hex only: no ':' (passwd-file field separator), no spaces, nothing to quote anywhere.
    [[ ${PASS[$k]:-} =~ ^[0-9a-f]{16,}$ ]] || PASS[$k]=$(openssl rand -hex 12)
  done
  (umask 077; for k in "${USER_KEYS[@]}"; do echo "$k=${PASS[$k]}"; done >"$f")
}

write_dovecot_users() {
  local k local_part tmp=$DOVECOT_USERS.tmp
  : >"$tmp"
  for k in "${USER_KEYS[@]}"; do
    local_part=${USER_LOCAL[$k]}
    # user:password:uid:gid:gecos:home:shell — uid/gid empty = mail_uid/mail_gid below.
    echo "$local_part@$MAIL_DOMAIN:{PLAIN}${PASS[$k]}::::$MAIL_ROOT/$MAIL_DOMAIN/$local_part::" >>"$tmp"
    install -d -o mail -g mail -m 0700 "$MAIL_ROOT/$MAIL_DOMAIN/$local_part"
  done
  # Notes: "passwd-file readable by the dovecot user (owner root:dovecot, 0640) — otherwise every
  # login fails as 'Login denied' with no other hint."
  chown root:dovecot "$tmp"
  chmod 0640 "$tmp"
  mv -f "$tmp" "$DOVECOT_USERS"
}

write_oauth2_conf() {  # the local validation key and settings (key kept across restarts)
  local keydir=$DOVECOT_DIR/keys/default/HS256
  install -d -m 0755 "$DOVECOT_DIR/keys" "$DOVECOT_DIR/keys/default" "$keydir"
  [[ -s $STATE_DIR/oauth2.key ]] || (umask 077; openssl rand -base64 32 >"$STATE_DIR/oauth2.key")
  # Dovecot wants the HS256 key base64-encoded; the auth process (user dovecot) reads it.
  tr -d '\n' <"$STATE_DIR/oauth2.key" >"$keydir/default"
  chown root:dovecot "$keydir/default"
  chmod 0640 "$keydir/default"
  cat >"$DOVECOT_DIR/oauth2.conf.ext" <<EOF
introspection_mode = local
local_validation_key_dict = fs:posix:prefix=$DOVECOT_DIR/keys/
username_attribute = email
EOF
}

write_dovecot_conf() {
  local base_dir=$1
  cat >"$DOVECOT_CONF.tmp" <<EOF
# Generated by scripts/mailstack.sh — rewritten on every start. Standalone: no /etc/dovecot includes.
protocols = imap lmtp
# Loopback only; the inet_listeners below name the address as well.
listen = 127.0.0.1
# Sockets and pid file. Unix socket paths must stay <= 107 bytes (see the notes), so a long DIR
# gets a short mktemp dir under /tmp instead (recorded in state/run_dir, removed by stop).
base_dir = $base_dir
state_dir = $STATE_DIR/dovecot
log_path = $LOG_DIR/dovecot.log
auth_verbose = yes

# Running as root: "login processes refuse root" (notes), hence the two unprivileged users.
default_login_user = dovenull
default_internal_user = dovecot

ssl = yes
ssl_cert = <$TLS_DIR/server.pem
ssl_key = <$TLS_DIR/server.key
ssl_min_protocol = TLSv1.2
# disable_plaintext_auth stays at its default (yes): Dovecot counts 127.0.0.1 as secure, so plain
# LOGIN without STARTTLS still works on loopback, and STARTTLS is offered on the IMAP port.

auth_mechanisms = plain login xoauth2 oauthbearer
# Users log in with the full address; lower-case it so RCPT TO:<RTCC@PD.TEST> also finds the user.
auth_username_format = %Lu
# Test-friendly: no 2 s sleep after each failed login. (Dovecot 2.3.19 still answers a failed
# login on its next 500 ms failure tick, so a wrong password costs up to ~0.5 s; nodelay=yes in
# the passwd-file or a static fail/nodelay passdb do not help — tried.)
auth_failure_delay = 0
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = username_format=%u $DOVECOT_USERS
}
# OAuth2 bearer tokens (as Microsoft 365 and Google use), validated locally: a JWT signed with the
# HS256 key in $DOVECOT_DIR/keys (dict lookup /shared/<azp>/<alg>/<kid>, all "default" here).
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $DOVECOT_DIR/oauth2.conf.ext
}
userdb {
  driver = passwd-file
  args = username_format=%u $DOVECOT_USERS
}

# Notes: "Mail must not be uid 0": deliver and read as mail:mail, mail dirs owned by mail:mail.
mail_uid = mail
mail_gid = mail
first_valid_uid = 8
first_valid_gid = 8
mail_location = maildir:~/Maildir
# Throw-away test data: skip fsync for speed.
mail_fsync = never
# Tests open many parallel sessions for one user from 127.0.0.1 (default limit is 10).
mail_max_userip_connections = 200
postmaster_address = postmaster@$MAIL_DOMAIN
hostname = mail.$MAIL_DOMAIN
# rtcc+Sent@ (Postfix's copy of what rtcc@ submits, see sender_bcc_maps) lands in rtcc's Sent.
recipient_delimiter = +
lmtp_save_to_detail_mailbox = yes

namespace inbox {
  inbox = yes
  # rtcc's code uses '/' as hierarchy separator.
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox rtcc-processed {
    auto = subscribe
  }
  mailbox rtcc-quarantine {
    auto = subscribe
  }
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${PORT[IMAP]}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${PORT[IMAPS]}
    ssl = yes
  }
}

# Postfix delivers with virtual_transport = lmtp:unix:$base_dir/lmtp (LMTP does not speak SMTP).
service lmtp {
  unix_listener lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}

service auth {
  # SASL for Postfix's submission/smtps (smtpd_sasl_type = dovecot): owned by postfix.
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}

service anvil {
  # Test-friendly: mode 0 disables the growing delay after failed logins (notes).
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
  mv -f "$DOVECOT_CONF.tmp" "$DOVECOT_CONF"
}

write_postfix_conf() {
  local base_dir=$1 queue_dir=$2 k
  {
    for k in "${USER_KEYS[@]}"; do echo "${USER_LOCAL[$k]}@$MAIL_DOMAIN OK"; done
  } >"$POSTFIX_DIR/vmailbox"
  echo "${USER_LOCAL[RTCC]}@$MAIL_DOMAIN ${USER_LOCAL[RTCC]}+Sent@$MAIL_DOMAIN" >"$POSTFIX_DIR/sender_bcc"

  cat >"$POSTFIX_DIR/main.cf" <<EOF
# Generated by scripts/mailstack.sh — rewritten on every start. Run with: postfix -c $POSTFIX_DIR
compatibility_level = 3.6
# Notes: "queue_directory/data_directory in the temp dir and created before start".
# (Equals $POSTFIX_QUEUE, or a short symlink to it when DIR is long; see cmd_start.)
queue_directory = $queue_dir
data_directory = $POSTFIX_DATA
# Notes: "maillog_file plus maillog_file_prefixes (no syslog here)".
maillog_file = $LOG_DIR/postfix.log
maillog_file_prefixes = $LOG_DIR
mail_owner = postfix
setgid_group = postdrop

myhostname = mail.$MAIL_DOMAIN
mydomain = $MAIL_DOMAIN
myorigin = \$mydomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8

# No local(8) delivery at all; $MAIL_DOMAIN is a virtual domain delivered to Dovecot over LMTP.
mydestination =
local_recipient_maps =
local_transport = error:5.1.1 local delivery is disabled in the rtcc mail stack
alias_maps =
alias_database =
virtual_mailbox_domains = $MAIL_DOMAIN
# texthash: read directly, no postmap needed. Unlisted @$MAIL_DOMAIN recipients are rejected.
virtual_mailbox_maps = texthash:$POSTFIX_DIR/vmailbox
virtual_transport = lmtp:unix:$base_dir/lmtp
# The provider's copy of sent mail, as Microsoft 365 and Gmail keep it: what rtcc@ submits is also
# delivered to rtcc+Sent@ (Dovecot saves it to the Sent folder).
recipient_delimiter = +
sender_bcc_maps = texthash:$POSTFIX_DIR/sender_bcc
# Nothing ever leaves the machine (notes): relaying is refused at RCPT time (below) and, should a
# message for another domain get queued anyway (e.g. a bounce), these transports fail it locally.
default_transport = error:5.7.1 mail to other domains is disabled in the rtcc mail stack
relay_transport = error:5.7.1 mail to other domains is disabled in the rtcc mail stack
relayhost =
relay_domains =
smtp_dns_support_level = disabled
# Refuse other domains for everyone, authenticated or not ("554 5.7.1 Relay access denied").
smtpd_relay_restrictions = reject_unauth_destination
# No sender checks: tests inject mail "from" outside or spoofed addresses through the SMTP port.

smtpd_tls_cert_file = $TLS_DIR/server.pem
smtpd_tls_key_file = $TLS_DIR/server.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_received_header = yes
smtp_tls_security_level = none

# SASL through Dovecot (notes): an auth unix_listener owned by postfix. Enabled per service.
smtpd_sasl_type = dovecot
smtpd_sasl_path = $base_dir/auth-postfix
smtpd_sasl_auth_enable = no
smtpd_sasl_security_options = noanonymous

# Test-friendly timing: no artificial delays, quick retries if Dovecot was briefly unavailable.
in_flow_delay = 0s
smtpd_error_sleep_time = 0s
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 200
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 5s
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
# Requests carry photos: allow messages up to 100 MiB.
message_size_limit = 104857600
biff = no
append_dot_mydomain = no
EOF

  # Notes: "every service in master.cf with chroot n" (the queue dir has no chroot jail set up).
  cat >"$POSTFIX_DIR/master.cf" <<EOF
# Generated by scripts/mailstack.sh. service type private unpriv chroot wakeup maxproc command
# SMTP, like port 25: no AUTH, STARTTLS offered, accepts any sender from 127.0.0.1 for $MAIL_DOMAIN.
127.0.0.1:${PORT[SMTP]} inet n - n - - smtpd
  -o syslog_name=postfix/smtp-in
# Submission: STARTTLS required, then AUTH (PLAIN/LOGIN via Dovecot) required to send.
127.0.0.1:${PORT[SUBMISSION]} inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
# SMTPS: implicit TLS, AUTH required.
127.0.0.1:${PORT[SMTPS]} inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
pickup     unix  n - n 60   1 pickup
cleanup    unix  n - n -    0 cleanup
qmgr       unix  n - n 300  1 qmgr
tlsmgr     unix  - - n 1000? 1 tlsmgr
rewrite    unix  - - n -    - trivial-rewrite
bounce     unix  - - n -    0 bounce
defer      unix  - - n -    0 bounce
trace      unix  - - n -    0 bounce
verify     unix  - - n -    1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -    - proxymap
proxywrite unix  - - n -    1 proxymap
smtp       unix  - - n -    - smtp
relay      unix  - - n -    - smtp
showq      unix  n - n -    - showq
error      unix  - - n -    - error
retry      unix  - - n -    - error
discard    unix  - - n -    - discard
lmtp       unix  - - n -    - lmtp
anvil      unix  - - n -    1 anvil
scache     unix  - - n -    1 scache
postlog    unix-dgram n - n - 1 postlogd
EOF
  # Notes: "Postfix waits until main.cf is > ~1 s old at start: touch -d '-1 min' main.cf saves ~2 s."
  touch -d '-1 min' "$POSTFIX_DIR/main.cf" "$POSTFIX_DIR/master.cf"
}

write_env_file() {
  local k tmp=$ENV_FILE.tmp
  {
    echo "MAILSTACK_DIR=$D"
    echo "MAILSTACK_LOG_DIR=$LOG_DIR"
    echo "MAILSTACK_RUN_DIR=$(cat "$RUN_DIR_FILE")"
    echo "MAIL_HOST=127.0.0.1"
    echo "MAIL_TLS_NAME=localhost"
    echo "PORT_BASE=$PORT_BASE"
    for k in IMAP IMAPS SMTP SUBMISSION SMTPS; do echo "${k}_PORT=${PORT[$k]}"; done
    echo "CA_FILE=$TLS_DIR/ca.pem"
    echo "SERVER_CERT_FILE=$TLS_DIR/server.pem"
    echo "MAIL_DOMAIN=$MAIL_DOMAIN"
    for k in "${USER_KEYS[@]}"; do
      echo "${k}_USER=${USER_LOCAL[$k]}@$MAIL_DOMAIN"
      echo "${k}_PASSWORD=${PASS[$k]}"
    done
    echo "DOVECOT_CONF=$DOVECOT_CONF"
    echo "POSTFIX_CONFIG_DIR=$POSTFIX_DIR"
  } >"$tmp"
  chmod 0600 "$tmp"
  mv -f "$tmp" "$ENV_FILE"
  (umask 077; printf '%s\n' "${PASS[RTCC]}" >"$D/rtcc.password.tmp")
  mv -f "$D/rtcc.password.tmp" "$D/rtcc.password"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
status_quiet() {  # 0 if both masters for DIR run
  local dp pp
  dp=$(read_pidfile "$DOVECOT_PIDFILE") && is_our_master "$dp" dovecot &&
    pp=$(read_pidfile "$POSTFIX_PIDFILE") && is_our_master "$pp" postfix
}

cmd_status() {
  local dir
  dir=$(resolve_dir "$1" no) || { echo "mailstack: not running ($1 does not exist)"; return 1; }
  set_paths "$dir"
  if status_quiet; then
    echo "mailstack: running (dovecot $(read_pidfile "$DOVECOT_PIDFILE"), postfix master $(read_pidfile "$POSTFIX_PIDFILE")); env: $ENV_FILE"
    return 0
  fi
  echo "mailstack: not running for $dir"
  return 1
}

# If our record is missing (start failed between launching a master and recording its pid), fall
# back to the daemon's own pid file — but only when the pid passes the is_our_master check.
adopt_pidfile() {  # OUR_PIDFILE DAEMON_PIDFILE KIND
  local pid
  [[ -f $1 ]] && return 0
  pid=$(read_pidfile "$2") && is_our_master "$pid" "$3" && echo "$pid" >"$1"
  return 0
}

do_stop() {  # assumes set_paths; Postfix first so it stops handing mail to LMTP
  adopt_pidfile "$POSTFIX_PIDFILE" "$POSTFIX_QUEUE/pid/master.pid" postfix
  adopt_pidfile "$DOVECOT_PIDFILE" "$(cat "$RUN_DIR_FILE" 2>/dev/null)/dovecot/master.pid" dovecot
  stop_master "$POSTFIX_PIDFILE" postfix
  stop_master "$DOVECOT_PIDFILE" dovecot
  local run_dir
  run_dir=$(cat "$RUN_DIR_FILE" 2>/dev/null || true)
  # Remove only a short socket dir this script made under /tmp (never DIR/run's parent etc.).
  if [[ $run_dir == /tmp/rtcc-ms.* && -f $run_dir/.mailstack-run ]]; then
    rm -rf -- "$run_dir"
    rm -f "$RUN_DIR_FILE"
  fi
}

cmd_stop() {
  local dir
  dir=$(resolve_dir "$1" no) || { say "nothing to stop ($1 does not exist)"; return 0; }
  set_paths "$dir"
  [[ -f $MARKER ]] || { say "nothing to stop ($dir is not a mailstack dir)"; return 0; }
  exec 9<>"$MARKER"
  flock -w 60 9 || die "timed out waiting for the lock on $MARKER"
  do_stop
  say "stopped ($dir)"
}

LOG_FILES=(dovecot.start.log dovecot.log postfix.start.log postfix.log)
declare -A LOG_MARK=()
mark_logs() {  # remember how long each log is, so a failure shows only this start's lines
  local f
  for f in "${LOG_FILES[@]}"; do
    LOG_MARK[$f]=$( (wc -l <"$LOG_DIR/$f") 2>/dev/null || echo 0)
  done
}

log_tail() {  # print the last lines this start added to the logs that matter
  local f
  for f in "${LOG_FILES[@]}"; do
    [[ -s $LOG_DIR/$f ]] || continue
    echo "----- $LOG_DIR/$f (this start, last 25 lines) -----" >&2
    tail -n +$((${LOG_MARK[$f]:-0} + 1)) "$LOG_DIR/$f" | tail -n 25 >&2
  done
}

# Postfix commands print their fatal errors on stderr only when it is a terminal (otherwise just
# to syslog, which does not exist here): a failed `postfix start` says nothing at all. Re-run
# `postfix check` under script(1), which provides a pty, to get the reason into the start log.
postfix_diagnose() {
  command -v script >/dev/null || return 0
  echo "--- postfix check (run under a pty to see its errors):" >>"$LOG_DIR/postfix.start.log"
  script -qec "postfix -c $POSTFIX_DIR check" /dev/null </dev/null >>"$LOG_DIR/postfix.start.log" 2>&1 8>&- 9>&- || true
}

START_OK=0
on_start_exit() {
  local rc=$?
  ((START_OK)) && return 0
  say "start failed (exit $rc); stopping what was started"
  log_tail
  do_stop || true
  rm -f "$ENV_FILE"
  exit $((rc == 0 ? 1 : rc))
}

wait_ready() {  # ports listening, sockets present, both masters alive
  local run_dir=$1 deadline=$((SECONDS + START_TIMEOUT)) listening k p missing dp pp
  while :; do
    missing=
    dp=$(read_pidfile "$run_dir/dovecot/master.pid") || missing+=" dovecot-pid"
    [[ -z ${dp:-} ]] || is_our_master "$dp" dovecot || missing+=" dovecot-master"
    pp=$(read_pidfile "$POSTFIX_QUEUE/pid/master.pid") || missing+=" postfix-pid"
    [[ -z ${pp:-} ]] || is_our_master "$pp" postfix || missing+=" postfix-master"
    [[ -S $run_dir/dovecot/lmtp ]] || missing+=" lmtp-socket"
    [[ -S $run_dir/dovecot/auth-postfix ]] || missing+=" auth-socket"
    # shellcheck disable=SC2046
    listening=$(listening_ports $(ports_for_base "$PORT_BASE"))
    for k in "${PORT_KEYS[@]}"; do
      p=${PORT[$k]}
      grep -qx "$p" <<<"$listening" || missing+=" ${k}:$p"
    done
    [[ -z $missing ]] && return 0
    if ((SECONDS >= deadline)); then
      say "not ready after ${START_TIMEOUT}s; missing:$missing"
      return 1
    fi
    # A master that died will never become ready: fail fast.
    if [[ -n ${dp:-} ]] && ! proc_alive "$dp"; then say "dovecot master $dp died"; return 1; fi
    if [[ -n ${pp:-} ]] && ! proc_alive "$pp"; then say "postfix master $pp died"; return 1; fi
    sleep 0.02
  done
}

cmd_start() {
  local dir run_dir queue_path pid k
  [[ $(id -u) -eq 0 ]] || die "must run as root (Dovecot and Postfix masters need it)"
  for k in dovecot doveadm postfix postconf openssl flock setpriv; do
    command -v "$k" >/dev/null || die "'$k' not found; install: dovecot-core dovecot-imapd dovecot-lmtpd postfix openssl (scripts/setup.sh)"
  done
  [[ -x /usr/lib/dovecot/imap && -x /usr/lib/dovecot/lmtp ]] ||
    die "dovecot-imapd / dovecot-lmtpd not installed (scripts/setup.sh)"
  for k in mail dovecot dovenull postfix; do id -u "$k" >/dev/null 2>&1 || die "system user '$k' missing"; done
  getent group postdrop >/dev/null || die "system group 'postdrop' missing"

  dir=$(resolve_dir "$1" yes)
  set_paths "$dir"
  if [[ ! -f $MARKER ]]; then
    [[ -z $(ls -A -- "$dir") ]] || die "$dir is neither empty nor a mailstack dir (no .mailstack); refusing to use it"
    : >"$MARKER"
  fi
  exec 9<>"$MARKER"
  flock -w 60 9 || die "timed out waiting for the lock on $MARKER"

  if status_quiet; then
    say "already running for $dir; env: $ENV_FILE"
    return 0
  fi
  do_stop  # a half-running earlier start (one master left) is cleaned up first
  rm -f "$ENV_FILE"

  trap on_start_exit EXIT
  trap 'exit 130' INT TERM HUP  # so that an interrupted start also runs on_start_exit
  # Notes: "The state dir must be traversable (mktemp -d gives 0700: chmod 755)" — mail, dovecot,
  # dovenull and postfix all need to reach things under DIR.
  chmod 755 "$dir"
  install -d -m 0755 "$LOG_DIR" "$TLS_DIR" "$DOVECOT_DIR" "$POSTFIX_DIR" "$POSTFIX_QUEUE"
  install -d -m 0700 "$STATE_DIR"
  : >"$LOG_DIR/dovecot.start.log"
  : >"$LOG_DIR/postfix.start.log"
  mark_logs
  install -d -m 0755 "$STATE_DIR/dovecot"
  install -d -o postfix -g postfix -m 0700 "$POSTFIX_DATA"
  install -d -o mail -g mail -m 0700 "$MAIL_ROOT"
  # Deliveries and IMAP sessions run as mail: fail early and clearly if DIR's parents block it.
  setpriv --reuid=mail --regid=mail --clear-groups test -x "$MAIL_ROOT" ||
    die "user 'mail' cannot reach $MAIL_ROOT: make every parent directory of $dir world-executable (o+x)"

  # Notes: "unix socket paths <= 107 bytes". Dovecot's longest is base_dir + ~30 bytes; Postfix
  # connects to "$queue_directory/public/postlog" by absolute path (and, with no tty on stderr,
  # dies silently when that is too long). So for a long DIR, Dovecot's base_dir goes into a short
  # mktemp dir under /tmp and Postfix's queue_directory becomes a short symlink there to the real
  # queue in DIR (the queue itself stays in DIR). stop removes that dir.
  run_dir=$D/run
  queue_path=$POSTFIX_QUEUE
  if ((${#D} > 60)); then
    run_dir=$(mktemp -d /tmp/rtcc-ms.XXXXXX)
    : >"$run_dir/.mailstack-run"
    ln -s "$POSTFIX_QUEUE" "$run_dir/pq"
    queue_path=$run_dir/pq
  fi
  install -d -m 0755 "$run_dir"
  chmod 0755 "$run_dir"  # mktemp -d gives 0700; postfix must reach the Dovecot sockets in it
  echo "$run_dir" >"$RUN_DIR_FILE"

  # Port choice and start-up under a machine-wide lock: parallel starts must not pick one base.
  exec 8>"$PORT_LOCK"
  flock -w 120 8 || die "timed out waiting for $PORT_LOCK"
  choose_ports
  make_certs
  load_or_make_passwords
  write_dovecot_users
  write_oauth2_conf
  write_dovecot_conf "$run_dir/dovecot"
  write_postfix_conf "$run_dir/dovecot" "$queue_path"

  # Dovecot first: Postfix needs its LMTP and auth sockets.
  # Notes: "Master keeps the caller's stderr open: redirect stdin/stdout/stderr to files or $(…)
  # never returns." The lock fds 8/9 are closed too, or the daemons would hold the locks forever.
  dovecot -c "$DOVECOT_CONF" </dev/null >>"$LOG_DIR/dovecot.start.log" 2>&1 8>&- 9>&- ||
    die "dovecot failed to start"
  # The master daemonises and writes base_dir/master.pid just after the fork: wait for it.
  local deadline=$((SECONDS + START_TIMEOUT))
  until pid=$(read_pidfile "$run_dir/dovecot/master.pid") && is_our_master "$pid" dovecot; do
    ((SECONDS < deadline)) || die "dovecot did not write $run_dir/dovecot/master.pid"
    sleep 0.01
  done
  echo "$pid" >"$DOVECOT_PIDFILE"

  if ! postfix -c "$POSTFIX_DIR" start </dev/null >>"$LOG_DIR/postfix.start.log" 2>&1 8>&- 9>&-; then
    postfix_diagnose
    die "postfix failed to start"
  fi
  # Notes: "The pid file pads the number with spaces" (read_pidfile strips them).
  if ! pid=$(read_pidfile "$POSTFIX_QUEUE/pid/master.pid") || ! is_our_master "$pid" postfix; then
    die "postfix master pid file missing or stale: $POSTFIX_QUEUE/pid/master.pid"
  fi
  echo "$pid" >"$POSTFIX_PIDFILE"

  wait_ready "$run_dir" || die "mail stack not ready"
  exec 8>&-
  write_env_file
  START_OK=1
  trap - EXIT INT TERM HUP
  say "ready: IMAP ${PORT[IMAP]} IMAPS ${PORT[IMAPS]} SMTP ${PORT[SMTP]} submission ${PORT[SUBMISSION]} SMTPS ${PORT[SMTPS]}; env: $ENV_FILE"
}

# imap-stop / imap-start DIR: Dovecot alone, for tests of an IMAP outage. Postfix keeps running;
# its deliveries to LMTP are deferred and retried (queue_run_delay 1s) once Dovecot is back.
cmd_imap_stop() {
  local dir
  dir=$(resolve_dir "$1" no) || die "$1 does not exist"
  set_paths "$dir"
  [[ -f $MARKER ]] || die "$dir is not a mailstack dir"
  exec 9<>"$MARKER"
  flock -w 60 9 || die "timed out waiting for the lock on $MARKER"
  stop_master "$DOVECOT_PIDFILE" dovecot
  say "dovecot stopped ($dir)"
}

cmd_imap_start() {
  local dir run_dir pid imap_port deadline
  dir=$(resolve_dir "$1" no) || die "$1 does not exist"
  set_paths "$dir"
  [[ -f $ENV_FILE ]] || die "$dir has no running stack (start it first)"
  exec 9<>"$MARKER"
  flock -w 60 9 || die "timed out waiting for the lock on $MARKER"
  run_dir=$(cat "$RUN_DIR_FILE")
  if pid=$(read_pidfile "$DOVECOT_PIDFILE") && is_our_master "$pid" dovecot; then
    say "dovecot already running ($dir)"
    return 0
  fi
  dovecot -c "$DOVECOT_CONF" </dev/null >>"$LOG_DIR/dovecot.start.log" 2>&1 9>&- || die "dovecot failed to start"
  imap_port=$(sed -n 's/^IMAP_PORT=//p' "$ENV_FILE")
  deadline=$((SECONDS + START_TIMEOUT))
  until pid=$(read_pidfile "$run_dir/dovecot/master.pid") && is_our_master "$pid" dovecot &&
    grep -qx "$imap_port" <<<"$(listening_ports "$imap_port")"; do
    ((SECONDS < deadline)) || die "dovecot did not come back within ${START_TIMEOUT}s"
    sleep 0.02
  done
  echo "$pid" >"$DOVECOT_PIDFILE"
  say "dovecot started ($dir)"
}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

cmd_token() {  # DIR USER [SECONDS]: an HS256 JWT that Dovecot's oauth2 passdb accepts for USER
  local dir user=$2 ttl=${3:-3600} now header payload sig
  dir=$(resolve_dir "$1" no) || die "$1 does not exist"
  set_paths "$dir"
  [[ -s $STATE_DIR/oauth2.key ]] || die "$dir has no OAuth2 key (start the stack first)"
  [[ $user =~ ^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+$ ]] || die "USER must be an e-mail address"
  [[ $ttl =~ ^-?[0-9]+$ ]] || die "SECONDS must be a number"
  now=$(date +%s)
  header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"sub":"%s","email":"%s","iat":%d,"nbf":%d,"exp":%d}' "$user" "$user" "$now" "$now" \
    $((now + ttl)) | b64url)
  sig=$(printf '%s.%s' "$header" "$payload" |
    openssl dgst -sha256 -mac HMAC -binary \
      -macopt "hexkey:$(base64 -d <"$STATE_DIR/oauth2.key" | od -An -v -tx1 | tr -d ' \n')" | b64url)
  printf '%s.%s.%s\n' "$header" "$payload" "$sig"
}

cmd_flush() {
  local dir
  dir=$(resolve_dir "$1" no) || die "$1 does not exist"
  set_paths "$dir"
  postqueue -c "$POSTFIX_DIR" -f </dev/null >/dev/null 2>&1 || die "postqueue -f failed"
}

cmd_queue() {
  local dir
  dir=$(resolve_dir "$1" no) || die "$1 does not exist"
  set_paths "$dir"
  # postqueue -j: one JSON object per queued message.
  postqueue -c "$POSTFIX_DIR" -j </dev/null 2>/dev/null | grep -c '^{' || true
}

main() {
  [[ $# -ge 3 && $1 == token ]] && { cmd_token "$2" "$3" "${4:-3600}"; return; }
  [[ $# -eq 2 ]] || usage
  case $1 in
    start) cmd_start "$2" ;;
    stop) cmd_stop "$2" ;;
    status) cmd_status "$2" ;;
    imap-stop) cmd_imap_stop "$2" ;;
    imap-start) cmd_imap_start "$2" ;;
    flush) cmd_flush "$2" ;;
    queue) cmd_queue "$2" ;;
    *) usage ;;
  esac
}

main "$@"
