#!/bin/sh
# submit.sh - XEXEC "submit" module (docs/PROTOCOL.md §6.8): sending mail over
# the IMAP connection. The client APPENDs the message to the staging mailbox,
# then asks this module to hand it to the server's MTA.
# Configure as: xexec = submit:/usr/local/dovecot/submit.sh [--option=value ...] %u
#
#   submit                                      -> what the module offers
#   submit send <uid> <token> <from> <rcpt>...  -> "sent <message-id>"
#   submit status <token>                       -> "sent <message-id>" | "unknown"
#
# The administrator's options:
#   --mailbox=NAME          the staging mailbox (default "XEXEC Outbox")
#   --max-size=N[k|M]       bytes of a staged message, at most (default 25M)
#   --max-recipients=N      envelope recipients per message (default 100)
#   --per-hour=N            messages per rolling hour and account (default 200)
#   --aliases=FILE          `login: address, address` lines: what a login may
#                           send as besides the login itself
#   --sendmail=PATH         the MTA's sendmail (default /usr/sbin/sendmail),
#                           run as PATH -i -f FROM -- RCPT...
#   --log=syslog|none|FILE  one line per send (default syslog, facility mail)
#   --dovecot-config=FILE   the server's dovecot.conf, for doveadm
#
# The message is read and expunged with the server's own doveadm as the mail
# user (the uid we run as), from the administrator's mailbox and a UID: never
# a path from the client.
#
# State: $HOME/.xexec/submit-sent, one line per message sent:
#   <epoch seconds> <token> <message-id>
# It is both the idempotency record (a token found there is never sent again)
# and the hourly count; lines older than 8 days are dropped at the next send.
set -eu
XEXEC_LIBDIR=$(readlink -f -- "$0") && XEXEC_LIBDIR=${XEXEC_LIBDIR%/*}/lib || exit 1
. "$XEXEC_LIBDIR/xexec-common.sh"
. "$XEXEC_LIBDIR/xexec-submit.sh"

KEEP_SECONDS=$((8 * 86400))

mailbox='XEXEC Outbox' max_size=26214400 max_rcpts=100 per_hour=200 aliases='' sendmail=/usr/sbin/sendmail
log_to=syslog
submit_option() {
	case $1 in
	mailbox)
		xexec_has_ctl "$2" && xexec_usage "--mailbox must not contain control characters (server configuration error)"
		[ -n "$2" ] || xexec_usage "--mailbox must not be empty (server configuration error)"
		mailbox=$2
		;;
	max-size)
		case $2 in
		[1-9] | [1-9]*[0-9]) _n=$2 _m=1 ;;
		[1-9]*[kK]) _n=${2%?} _m=1024 ;;
		[1-9]*[mM]) _n=${2%?} _m=1048576 ;;
		*) _n=x ;;
		esac
		case $_n in
		*[!0-9]* | ????????????*) xexec_usage "--max-size must be a number of bytes, optionally with k or M (server configuration error)" ;;
		esac
		max_size=$((_n * _m))
		;;
	max-recipients)
		case $2 in
		[1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | 10000) max_rcpts=$2 ;;
		*) xexec_usage "--max-recipients must be a number from 1 to 10000 (server configuration error)" ;;
		esac
		;;
	per-hour)
		case $2 in
		[1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9] | 100000) per_hour=$2 ;;
		*) xexec_usage "--per-hour must be a number from 1 to 100000 (server configuration error)" ;;
		esac
		;;
	aliases)
		case $2 in /?*) aliases=$2 ;; *) xexec_usage "--aliases must be an absolute path (server configuration error)" ;; esac
		;;
	sendmail)
		case $2 in
		'' | /*[!A-Za-z0-9._/+-]* | [!/]*) xexec_usage "--sendmail must be an absolute path (server configuration error)" ;;
		esac
		sendmail=$2
		;;
	log)
		case $2 in
		syslog | none | /?*) log_to=$2 ;;
		*) xexec_usage "--log must be syslog, none or an absolute path (server configuration error)" ;;
		esac
		;;
	*) xexec_usage "Unknown module option --$1 (server configuration error)" ;;
	esac
}

xexec_take_options submit_option "$@"
shift "$XEXEC_NOPT"
[ $# -ge 1 ] || xexec_usage "Usage: submit.sh [--option=value ...] <user> [send <uid> <token> <from> <rcpt>... | status <token>]"
xexec_set_user "$1"
shift
[ $# -gt 0 ] || xexec_read_stdin_args
eval "set -- \"\$@\" $(xexec_env_arg_refs)"

# The addresses this user may send as: the login (when it is an address),
# then the administrator's aliases; each once. (Checked here: a failure
# inside the command substitution would only end that subshell.)
[ -z "$aliases" ] || [ -r "$aliases" ] ||
	xexec_fail "The server's list of sending addresses cannot be read (server configuration error)"
allowed=$({
	printf '%s\n' "$XUSER" | xexec_normalize_entries address 2>/dev/null || :
	submit_aliases "$aliases" "$XUSER"
} | awk '!seen[$0]++')

# is_allowed ADDRESS - true when the (lower-cased) address is one of them.
is_allowed() {
	[ -n "$allowed" ] || return 1
	printf '%s\n' "$allowed" | LC_ALL=C grep -Fqx -- "$(xexec_lower "$1")"
}

valid_token() {
	case $1 in
	'' | *[!A-Za-z0-9._@+=-]*) return 1 ;;
	esac
	[ "${#1}" -le 128 ]
}

# sent_line TOKEN - the record of TOKEN in the state file, if any.
sent_line() {
	[ -f "$1" ] || return 0
	xexec_token="$2" LC_ALL=C awk '$2 == ENVIRON["xexec_token"] { print; exit }' "$1"
}

if [ $# -eq 0 ]; then
	printf 'mailbox %s\nmax-size %s\nmax-recipients %s\nper-hour %s\n' "$mailbox" "$max_size" "$max_rcpts" "$per_hour"
	[ -z "$allowed" ] || printf '%s\n' "$allowed" | sed 's/^/address /'
	exit 0
fi

cmd=$1
shift
case $cmd in
status)
	[ $# -eq 1 ] || xexec_usage "Usage: status <token>"
	valid_token "$1" || xexec_usage "The token must be 1 to 128 letters, digits or . _ - @ + ="
	case ${HOME:-} in /?*) state=${HOME%/}/.xexec/submit-sent ;; *) state=/dev/null ;; esac
	_l=$(sent_line "$state" "$1")
	if [ -n "$_l" ]; then printf 'sent %s\n' "${_l#* * }"; else echo unknown; fi
	exit 0
	;;
send) ;;
*) xexec_usage "Unknown command '$(xexec_short "$cmd")': use send or status" ;;
esac

# --- send: every argument is checked before anything is read or sent.
[ $# -ge 3 ] || xexec_usage "Usage: send <uid> <token> <from> <recipient>..."
uid=$1 token=$2 from=$3
shift 3
case $uid in
[1-9] | [1-9]*[0-9]) ;;
*) xexec_usage "The message UID must be a positive number" ;;
esac
case $uid in *[!0-9]* | ???????????*) xexec_usage "The message UID must be a positive number" ;; esac
[ "$uid" -le 4294967295 ] || xexec_usage "The message UID must be a positive number"
valid_token "$token" || xexec_usage "The token must be 1 to 128 letters, digits or . _ - @ + ="
if xexec_has_ctl "$from" || ! printf '%s\n' "$from" | xexec_normalize_entries address >/dev/null 2>&1; then
	xexec_usage "The sender '$(xexec_short "$from")' is not a valid address"
fi
[ $# -ge 1 ] || xexec_usage "The message has no recipient"
[ $# -le "$max_rcpts" ] || xexec_usage "The message has $# recipients; at most $max_rcpts are allowed"
_i=0
for r in "$@"; do
	_i=$((_i + 1))
	case $r in
	-*) xexec_usage "Recipient $_i '$(xexec_short "$r")' is not a valid address" ;;
	esac
	if xexec_has_ctl "$r" || ! printf '%s\n' "$r" | xexec_normalize_entries address >/dev/null 2>&1; then
		xexec_usage "Recipient $_i '$(xexec_short "$r")' is not a valid address"
	fi
done
nrcpt=$#
[ -n "$allowed" ] || xexec_usage "This account has no address it may send as (server configuration error)"
if ! is_allowed "$from"; then
	submit_log refused "reason=sender"
	xexec_usage "You may not send as $(xexec_short "$from"); use one of your own addresses"
fi

xexec_init_state # takes the lock: one send at a time per account
state=$XDIR/submit-sent
now=$(date +%s)

# expunge_staged - best effort: a sent message whose staged copy could not
# be removed is still sent, and a retry with its token removes it.
expunge_staged() {
	doveadm expunge -u "$XUSER" mailbox "$mailbox" uid "$uid" >"$XTMP/expunge.err" 2>&1 ||
		sed 's/^/submit: doveadm expunge: /' "$XTMP/expunge.err" >&2
}

# A token already sent with: answer as the first time, send nothing. The
# staged copy is removed when it is that message (same Message-ID), so a
# client that staged it again after losing the answer is not left with it.
done_line=$(sent_line "$state" "$token")
if [ -n "$done_line" ]; then
	done_id=${done_line#* * }
	if doveadm -f pager fetch -u "$XUSER" hdr mailbox "$mailbox" uid "$uid" >"$XTMP/again" 2>/dev/null &&
		[ -s "$XTMP/again" ]; then
		tail -c +6 "$XTMP/again" >"$XTMP/again.hdr"
		mkdir -- "$XTMP/a"
		submit_header_scan "$XTMP/again.hdr" "$XTMP/a"
		if [ "$(sed -n 1p "$XTMP/a/msgid")" = "$done_id" ]; then
			expunge_staged
		fi
	fi
	submit_log again "message-id=$done_id"
	printf 'sent %s\n' "$done_id"
	exit 0
fi

# The hourly cap, over what this account sent in the last 3600 seconds.
if [ -f "$state" ]; then
	_hour=$(LC_ALL=C awk -v since="$((now - 3600))" '$1 + 0 > since { n++ } END { print n + 0 }' "$state")
	if [ "$_hour" -ge "$per_hour" ]; then
		submit_log refused "reason=per-hour"
		xexec_fail "The hourly sending limit is reached; try again later"
	fi
fi

# The staged message: its size first (nothing large is copied for nothing).
if ! doveadm -f flow fetch -u "$XUSER" 'uid size.virtual size.physical' mailbox "$mailbox" uid "$uid" >"$XTMP/sizes" 2>"$XTMP/fetch.err"; then
	sed 's/^/submit: doveadm fetch: /' "$XTMP/fetch.err" >&2
	if grep -qi "doesn't exist\|not found\|no such" "$XTMP/fetch.err"; then
		xexec_usage "There is no message $uid in the mailbox $mailbox"
	fi
	xexec_fail "The staged message could not be read"
fi
sizes=$(sed -n 's/^uid=\([0-9]*\) size\.virtual=\([0-9]*\) size\.physical=\([0-9]*\)$/\2 \3/p' "$XTMP/sizes")
[ -n "$sizes" ] || xexec_usage "There is no message $uid in the mailbox $mailbox"
vsize=${sizes% *} psize=${sizes#* }
[ "$vsize" -le "$max_size" ] ||
	xexec_usage "The message is $vsize bytes; at most $max_size are allowed"

# The whole message, as stored. doveadm's pager format puts "text:" and a line
# break before it; the rest must be exactly the stored size.
doveadm -f pager fetch -u "$XUSER" text mailbox "$mailbox" uid "$uid" >"$XTMP/fetched" 2>"$XTMP/fetch.err" || {
	sed 's/^/submit: doveadm fetch: /' "$XTMP/fetch.err" >&2
	xexec_fail "The staged message could not be read"
}
tail -c +7 "$XTMP/fetched" >"$XTMP/msg"
rm -f -- "$XTMP/fetched"
[ "$(wc -c <"$XTMP/msg" | tr -d ' ')" = "$psize" ] || xexec_fail "The staged message could not be read completely"

[ "$(tr -d '\000' <"$XTMP/msg" | wc -c | tr -d ' ')" = "$psize" ] || xexec_usage "The message contains a NUL byte"
mkdir -- "$XTMP/h"
submit_header_scan "$XTMP/msg" "$XTMP/h"
_err=$(sed -n 's/^error //p' "$XTMP/h/info")
[ -z "$_err" ] || xexec_usage "$_err"

# Identity: exactly one From, every address in it (and in Sender) allowed.
[ "$(wc -l <"$XTMP/h/from" | tr -d ' ')" -eq 1 ] || xexec_usage "The message must have exactly one From header field"
[ "$(wc -l <"$XTMP/h/sender" | tr -d ' ')" -le 1 ] || xexec_usage "The message must have at most one Sender header field"
[ "$(wc -l <"$XTMP/h/msgid" | tr -d ' ')" -le 1 ] || xexec_usage "The message must have at most one Message-ID header field"
submit_addresses <"$XTMP/h/from" >"$XTMP/h/from.addr"
submit_addresses <"$XTMP/h/sender" >"$XTMP/h/sender.addr"
[ -s "$XTMP/h/from.addr" ] || xexec_usage "The From header field has no address"
for _f in from sender; do
	while IFS= read -r _a; do
		if [ "$_a" = '!' ]; then
			xexec_usage "The $_f header field could not be read as a list of addresses"
		fi
		if ! is_allowed "$_a"; then
			submit_log refused "reason=$_f-header"
			xexec_usage "You may not send as $(xexec_short "$_a") (the message's $_f header); use one of your own addresses"
		fi
	done <"$XTMP/h/$_f.addr"
done

# What is sent: the header without Bcc, a Message-ID when there is none,
# then the body as it is.
msgid=$(sed -n 1p "$XTMP/h/msgid")
[ -n "$msgid" ] || [ ! -s "$XTMP/h/msgid" ] || xexec_usage "The message's Message-ID header field is empty"
lines=$(sed -n 's/^lines //p' "$XTMP/h/info")
eol=$(sed -n 's/^eol //p' "$XTMP/h/info")
ended=$(sed -n 's/^end //p' "$XTMP/h/info")
nl='\n'
[ "$eol" = lf ] || nl='\r\n'
{
	if [ -z "$msgid" ]; then
		_rand=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
		msgid="<xexec.$now.$_rand@${from#*@}>"
	fi
	if [ "$ended" = yes ]; then
		sed '$d' "$XTMP/h/hdr"
		[ -n "$(sed -n 1p "$XTMP/h/msgid")" ] || printf "Message-ID: %s$nl" "$msgid"
		printf "$nl"
		tail -n +"$((lines + 1))" "$XTMP/msg"
	else
		cat "$XTMP/h/hdr"
		[ -n "$(sed -n 1p "$XTMP/h/msgid")" ] || printf "Message-ID: %s$nl" "$msgid"
	fi
} >"$XTMP/out"
rm -f -- "$XTMP/msg"
msgid=$(xexec_oneline "$msgid")

# The hand-off. Its output is not ours to print: the client reads stdout.
_rc=0
"$sendmail" -i -f "$from" -- "$@" <"$XTMP/out" >"$XTMP/mta.out" 2>&1 || _rc=$?
if [ "$_rc" -ne 0 ]; then
	sed -n 's/^/submit: sendmail: /p' "$XTMP/mta.out" | head -n 20 >&2
	submit_log failed "message-id=$msgid size=$vsize recipients=$nrcpt sendmail-exit=$_rc"
	xexec_fail "The mail server did not accept the message (sendmail exit status $_rc); it is kept, try again later"
fi

# Accepted: record the token (so no retry sends it again), then remove the
# staged copy.
{
	[ ! -f "$state" ] || LC_ALL=C awk -v since="$((now - KEEP_SECONDS))" '$1 + 0 > since' "$state"
	printf '%s %s %s\n' "$now" "$token" "$msgid"
} >"$XTMP/sent"
mv -f -- "$XTMP/sent" "$state" ||
	printf '%s\n' "submit: the message was sent but its token could not be recorded" >&2
expunge_staged
submit_log sent "message-id=$msgid size=$vsize recipients=$nrcpt"
printf 'sent %s\n' "$msgid"
