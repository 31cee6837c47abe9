#!/bin/sh
# alerts.sh - XEXEC "alerts" module (docs/PROTOCOL.md §6.6).
# Configure as: xexec = alerts:/usr/local/dovecot/alerts.sh [--option=value ...] %u
#
#   alerts show                  -> state
#   alerts set <key>=<value>...  -> state (keys target, senders, words, urgent,
#                                   contacts; turns alerts on)
#   alerts off                   -> state (target and conditions are kept)
#   alerts confirm <code>        -> state (the code sent to the target)
#   alerts resend                -> state (a new code to the unconfirmed target)
#   alerts contacts list|set|clear -> as spam contacts (lib/xexec-contacts.sh)
#
# The administrator's options:
#   --max-per-hour=N       at most N alerts an hour (1-1000, default 10), kept
#                          by N Sieve duplicate slots of an hour each
#   --target-domains=D,... targets only at these domains (default: any); a
#                          stored target at another domain (the list was
#                          narrowed) is suspended: it gets no alerts, stays
#                          confirmed, and the state says `target-allowed no`
#   --length=N             the alert's text at most N characters (20-1000,
#                          default 160)
#   --sendmail=PATH        the program that sends the confirmation code
#                          (default /usr/sbin/sendmail; called as
#                          PATH -i -f FROM -- TARGET)
#   --from=ADDRESS         sender of the code message and of the alerts
#                          (default: the user's own address for the code;
#                          Pigeonhole's default for the alerts)
#
# State: $HOME/.xexec/alerts (lib/xexec-alerts.sh). The confirmation code is
# not in the Sieve script and not in that file: $HOME/.xexec/alerts-code holds
# `code`, `target`, `expires` (epoch seconds) and `tries`; alerts-sent holds
# the epoch seconds of each code sent, for the limit of 3 an hour. Until the
# target gave its code, the generated script sends nothing there.
#
# The administrator's options (cap, length, from, domains) are stored in the
# state for the script that every module regenerates; whenever this module
# runs with options other than the stored ones, it stores the new ones and
# regenerates the script first (alerts_sync), so `show` for every user brings
# an administrator's change into effect at once.
set -eu
XEXEC_LIBDIR=$(readlink -f -- "$0") && XEXEC_LIBDIR=${XEXEC_LIBDIR%/*}/lib || exit 1
. "$XEXEC_LIBDIR/xexec-common.sh"

MAX_SENDERS=100
MAX_WORDS=50
CODE_HOURS=24
CODE_TRIES=5
CODES_PER_HOUR=3

max_per_hour=10 target_domains='' text_length=160 sendmail=/usr/sbin/sendmail from_opt=''
alerts_option() {
	case $1 in
	max-per-hour)
		case $2 in
		[1-9] | [1-9][0-9] | [1-9][0-9][0-9] | 1000) max_per_hour=$2 ;;
		*) xexec_usage "--max-per-hour must be a number from 1 to 1000 (server configuration error)" ;;
		esac
		;;
	target-domains)
		# Checked as the domain of an address; a "!" line says one failed.
		target_domains=$({
			printf '%s\n' "$2" | tr ',' '\n' | sed -e '/^$/d' -e 's/^/x@/' |
				xexec_normalize_entries address 2>/dev/null || echo '!'
		} | sed 's/^x@//' | LC_ALL=C sort -u)
		case "$XEXEC_NL$target_domains$XEXEC_NL" in
		"$XEXEC_NL$XEXEC_NL" | *"$XEXEC_NL!$XEXEC_NL"*)
			xexec_usage "--target-domains must be domain names separated by commas (server configuration error)"
			;;
		esac
		;;
	length)
		case $2 in
		[2-9][0-9] | [1-9][0-9][0-9] | 1000) text_length=$2 ;;
		*) xexec_usage "--length must be a number from 20 to 1000 (server configuration error)" ;;
		esac
		;;
	sendmail)
		case $2 in
		'' | /*[!A-Za-z0-9._/+-]* | [!/]*) xexec_usage "--sendmail must be an absolute path (server configuration error)" ;;
		esac
		sendmail=$2
		;;
	from)
		from_opt=$(printf '%s\n' "$2" | xexec_normalize_entries address 2>/dev/null) ||
			xexec_usage "--from must be an e-mail address (server configuration error)"
		;;
	*) xexec_usage "Unknown module option --$1 (server configuration error)" ;;
	esac
}

# alerts_allowed ADDRESS - true when the administrator allows ADDRESS's
# domain (or restricted none).
alerts_allowed() {
	[ -z "$target_domains" ] || printf '%s\n' "$target_domains" | grep -qxF -e "${1#*@}"
}

# alerts_domains_text - the allowed domains for a sentence: "a.example, b.example".
alerts_domains_text() {
	printf '%s\n' "$target_domains" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/, /g'
}

# alerts_admin_lines - the administrator's options as the state file keeps
# them, in the order it keeps them.
alerts_admin_lines() {
	printf 'cap %s\nlength %s\n' "$max_per_hour" "$text_length"
	[ -z "$from_opt" ] || printf 'from %s\n' "$from_opt"
	[ -z "$target_domains" ] || printf '%s\n' "$target_domains" | sed 's/^/domain /'
}

# alerts_sync - when a state file exists and holds other administrator's
# options than this run's: store this run's (under the lock) and regenerate
# the script, so that a narrowed --target-domains (or a new cap) holds from
# now on, also in the scripts the other modules generate from the state.
alerts_sync() {
	case ${HOME:-} in /?*) ;; *) return 0 ;; esac
	_sf=${HOME%/}/.xexec/alerts
	[ -f "$_sf" ] || return 0
	_want=$(alerts_admin_lines)
	[ "$(alerts_stored_admin "$_sf")" != "$_want" ] || return 0
	alerts_init_state
	[ "$(alerts_stored_admin "$_sf")" != "$_want" ] || return 0
	{
		sed -e '/^cap /d' -e '/^length /d' -e '/^from /d' -e '/^domain /d' "$_sf"
		printf '%s\n' "$_want"
	} >"$XTMP/alerts.sync"
	xexec_commit alerts "$XTMP/alerts.sync"
}
alerts_stored_admin() {
	sed -n -e '/^body$/q' -e '/^cap /p' -e '/^length /p' -e '/^from /p' -e '/^domain /p' "$1"
}

# alerts_init_state - xexec_init_state once (sync may have taken the lock).
alerts_init_state() {
	[ -n "$XEXEC_CLEAN" ] || xexec_init_state
}

# alerts_show FILE - print the state in the protocol's format.
alerts_show() {
	_st=$(xexec_state_get "$1" status)
	_tg=$(xexec_state_get "$1" target)
	_cf=$(xexec_state_get "$1" confirmed)
	printf 'status %s\n' "${_st:-off}"
	[ -z "$_tg" ] || printf 'target %s\n' "$_tg"
	[ -n "$_tg" ] && [ "$_cf" = yes ] || _cf=no
	printf 'confirmed %s\n' "$_cf"
	[ ! -f "$1" ] || sed -n -e '/^sender /p' -e '/^word /p' "$1"
	_ur=$(xexec_state_get "$1" urgent)
	_ct=$(xexec_state_get "$1" contacts)
	printf 'urgent %s\ncontacts %s\n' "${_ur:-no}" "${_ct:-no}"
	printf 'max-per-hour %s\n' "$max_per_hour"
	[ -z "$target_domains" ] || printf '%s\n' "$target_domains" | sed 's/^/target-domain /'
	# Only with domains: without them every target is allowed (and the
	# reply stays as it was before this line existed).
	if [ -n "$_tg" ] && [ -n "$target_domains" ]; then
		if alerts_allowed "$_tg"; then echo 'target-allowed yes'; else echo 'target-allowed no'; fi
	fi
}
alerts_show_state() {
	alerts_sync
	alerts_show "$XDIR/alerts"
}

# The code and the codes sent: files of their own, written by temp + rename.
now() { date +%s; }

# codes_in_last_hour - how many codes went out in the last hour.
codes_in_last_hour() {
	[ -f "$XDIR/alerts-sent" ] || { echo 0; return 0; }
	LC_ALL=C awk -v since="$(($(now) - 3600))" '/^[0-9]+$/ && $1 + 0 > since { n++ } END { print n + 0 }' \
		"$XDIR/alerts-sent"
}

# send_code TARGET - a new code for TARGET: refused (exit 1) when 3 went out in
# the last hour; recorded, then mailed through the administrator's sendmail.
send_code() {
	[ "$(codes_in_last_hour)" -lt "$CODES_PER_HOUR" ] ||
		xexec_fail "At most $CODES_PER_HOUR confirmation codes can be sent in an hour; please try again later"
	_code=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	case $_code in '' | *[!0-9]*) xexec_fail "Could not make a confirmation code" ;; esac
	_code=$(printf '%06d' "$((_code % 1000000))")
	_t=$(now)
	{
		[ ! -f "$XDIR/alerts-sent" ] ||
			LC_ALL=C awk -v since="$((_t - 3600))" '/^[0-9]+$/ && $1 + 0 > since' "$XDIR/alerts-sent"
		printf '%s\n' "$_t"
	} >"$XTMP/sent"
	mv -f -- "$XTMP/sent" "$XDIR/alerts-sent" || xexec_fail "Could not save your settings"
	printf 'code %s\ntarget %s\nexpires %s\ntries 0\n' "$_code" "$1" "$((_t + CODE_HOURS * 3600))" >"$XTMP/code"
	mv -f -- "$XTMP/code" "$XDIR/alerts-code" || xexec_fail "Could not save the confirmation code"
	_from=$from_opt
	if [ -z "$_from" ]; then
		_from=$(printf '%s\n' "$XUSER" | xexec_normalize_entries address 2>/dev/null) ||
			xexec_fail "This server has no sender address for the confirmation code (--from, server configuration error)"
	fi
	_who=$(xexec_oneline "$XUSER")
	_domain=${_from#*@}
	{
		printf 'From: %s\r\n' "$_from"
		printf 'To: %s\r\n' "$1"
		printf 'Subject: Mail alert code %s\r\n' "$_code"
		printf 'Date: %s\r\n' "$(LC_ALL=C date -R)"
		printf 'Message-ID: <xexec-alerts.%s.%s@%s>\r\n' "$_t" "$$" "$_domain"
		printf 'Auto-Submitted: auto-generated\r\n'
		printf 'MIME-Version: 1.0\r\n'
		printf 'Content-Type: text/plain; charset=utf-8\r\n'
		printf 'Content-Transfer-Encoding: 8bit\r\n'
		printf '\r\n'
		printf 'Code %s: %s wants mail alerts sent to this address. ' "$_code" "$_who"
		printf 'Enter the code in the mail settings within %s hours to confirm. ' "$CODE_HOURS"
		printf 'Otherwise ignore this message: nothing more will be sent.\r\n'
	} >"$XTMP/code.eml"
	# Its output is not ours to print: the client reads our standard output.
	if ! "$sendmail" -i -f "$_from" -- "$1" <"$XTMP/code.eml" >&2 2>&1; then
		rm -f -- "$XDIR/alerts-code"
		xexec_fail "Your settings were saved, but the confirmation code could not be sent; try resend later"
	fi
}

xexec_take_options alerts_option "$@"
shift "$XEXEC_NOPT"
[ $# -ge 1 ] || xexec_usage "Usage: alerts.sh [--option=value ...] <user> show|set|off|confirm|resend|contacts [<argument> ...]"
xexec_set_user "$1"
shift
[ $# -gt 0 ] || xexec_read_stdin_args
eval "set -- \"\$@\" $(xexec_env_arg_refs)"
[ $# -ge 1 ] || xexec_usage "Missing command: use show, set, off, confirm, resend or contacts"
cmd=$1
shift

case $cmd in
show)
	[ $# -eq 0 ] || xexec_usage "The show command takes no arguments"
	case ${HOME:-} in /?*) state=${HOME%/}/.xexec/alerts ;; *) state=/dev/null ;; esac
	xexec_check_step
	alerts_sync
	alerts_show "$state"
	exit 0
	;;
set) [ $# -ge 1 ] || xexec_usage "Give at least one of target=, senders=, words=, urgent=, contacts=" ;;
off | resend) [ $# -eq 0 ] || xexec_usage "The $cmd command takes no arguments" ;;
confirm)
	[ $# -eq 1 ] || xexec_usage "Usage: alerts confirm <code>"
	case $1 in
	[0-9][0-9][0-9][0-9][0-9][0-9]) code=$1 ;;
	*) xexec_usage "The confirmation code is the 6 digits sent to the target address" ;;
	esac
	;;
contacts) xexec_contacts_command alerts_show_state "$@" ;;
*) xexec_usage "Unknown command '$(xexec_short "$cmd")': use show, set, off, confirm, resend or contacts" ;;
esac

# Check every key=value first; nothing is stored unless all are valid.
g_target='' g_senders='' g_words='' g_urgent='' g_contacts='' seen=' '
[ "$cmd" = set ] || set --
for kv in "$@"; do
	case $kv in
	*=*) ;;
	*) xexec_usage "'$(xexec_short "$kv")' is not of the form key=value" ;;
	esac
	key=${kv%%=*} val=${kv#*=}
	case $seen in
	*" $key "*) xexec_usage "The key '$(xexec_short "$key")' is given more than once" ;;
	esac
	seen="$seen$key "
	case $key in
	target)
		case $val in
		*"$XEXEC_NL"*) xexec_usage "'$(xexec_short "$val")' is not a valid e-mail address" ;;
		esac
		v_target=$(printf '%s\n' "$val" | xexec_normalize_entries address 2>/dev/null) ||
			xexec_usage "'$(xexec_short "$val")' is not a valid e-mail address"
		case $XUSER in
		*@*)
			[ "$v_target" != "$(xexec_lower "$XUSER")" ] ||
				xexec_usage "Alerts cannot be sent to this mailbox's own address"
			;;
		esac
		alerts_allowed "$v_target" ||
			xexec_usage "Alerts can only be sent to addresses at $(alerts_domains_text)"
		g_target=1
		;;
	senders)
		v_senders=$({
			printf '%s\n' "$val" | tr ', \t\r' '\n\n\n\n' | sed '/^$/d' |
				xexec_normalize_entries entry 2>/dev/null || echo '!'
		} | LC_ALL=C sort -u)
		case "$XEXEC_NL$v_senders$XEXEC_NL" in
		*"$XEXEC_NL!$XEXEC_NL"*)
			xexec_usage "senders= takes addresses or @domain entries separated by commas; one of them is not valid"
			;;
		esac
		[ -z "$v_senders" ] || [ "$(printf '%s\n' "$v_senders" | wc -l)" -le "$MAX_SENDERS" ] ||
			xexec_usage "At most $MAX_SENDERS senders can be chosen"
		g_senders=1
		;;
	words)
		xexec_is_utf8 "$val" || xexec_usage "The words must be UTF-8 text"
		# Commas and line breaks separate; each word is trimmed.
		v_words=$(printf '%s\n' "$val" | tr ',\r' '\n\n' | sed -e 's/^[ \t]*//' -e 's/[ \t]*$//' -e '/^$/d' |
			LC_ALL=C sort -u)
		if [ -n "$v_words" ]; then
			xexec_has_ctl_but_lf_tab "$v_words" && xexec_usage "A word must not contain control characters"
			case $v_words in *"	"*) xexec_usage "A word must not contain control characters" ;; esac
			! printf '%s\n' "$v_words" | LC_ALL=C grep -q '^.\{65,\}$' ||
				xexec_usage "A word or phrase must be at most 64 bytes long"
			[ "$(printf '%s\n' "$v_words" | wc -l)" -le "$MAX_WORDS" ] ||
				xexec_usage "At most $MAX_WORDS words can be chosen"
		fi
		g_words=1
		;;
	urgent | contacts)
		case $val in
		yes | no) ;;
		*) xexec_usage "$key must be yes or no" ;;
		esac
		if [ "$key" = urgent ]; then g_urgent=$val; else g_contacts=$val; fi
		;;
	*)
		xexec_usage "Unknown key '$(xexec_short "$key")': use target, senders, words, urgent or contacts"
		;;
	esac
done

alerts_init_state # takes the lock
state=$XDIR/alerts

# A key not given keeps its stored value (checked again: the file may have
# been edited by hand).
o_target=$(xexec_state_get "$state" target)
o_target=$(printf '%s\n' "$o_target" | xexec_normalize_entries address 2>/dev/null) || o_target=''
o_confirmed=$(xexec_state_get "$state" confirmed)
[ -n "$o_target" ] && [ "$o_confirmed" = yes ] || o_confirmed=no
[ -n "$g_target" ] || v_target=$o_target
[ -n "$g_senders" ] || v_senders=$([ ! -f "$state" ] || sed -n 's/^sender //p' "$state" |
	xexec_normalize_entries entry 2>/dev/null) || v_senders=''
[ -n "$g_words" ] || v_words=$([ ! -f "$state" ] || LC_ALL=C sed -n 's/^word //p' "$state" |
	LC_ALL=C grep -v '[[:cntrl:],]') || v_words=''
[ -n "$g_urgent" ] || g_urgent=$(xexec_state_get "$state" urgent)
[ "$g_urgent" = yes ] || g_urgent=no
[ -n "$g_contacts" ] || g_contacts=$(xexec_state_get "$state" contacts)
[ "$g_contacts" = yes ] || g_contacts=no
status=$(xexec_state_get "$state" status)
[ "$status" = on ] || status=off
confirmed=$o_confirmed
new_code=''

case $cmd in
set)
	[ -n "$v_target" ] || xexec_usage "Give the address alerts go to: target=<address>"
	if [ -z "$v_senders$v_words" ] && [ "$g_urgent" = no ] && [ "$g_contacts" = no ]; then
		xexec_usage "Choose at least one condition: senders=, words=, urgent=yes or contacts=yes"
	fi
	if [ "$v_target" != "$o_target" ]; then
		confirmed=no new_code=1
		# Refused before anything changes.
		[ "$(codes_in_last_hour)" -lt "$CODES_PER_HOUR" ] ||
			xexec_fail "At most $CODES_PER_HOUR confirmation codes can be sent in an hour; please try again later"
	fi
	status=on
	;;
off) status=off ;;
resend)
	[ -n "$o_target" ] || xexec_fail "There is no target address to confirm; set one with target="
	[ "$o_confirmed" = no ] || xexec_fail "The target address is already confirmed"
	alerts_allowed "$o_target" ||
		xexec_fail "Alerts can now only be sent to addresses at $(alerts_domains_text); set another target"
	send_code "$o_target"
	alerts_sync
	alerts_show "$state"
	exit 0
	;;
confirm)
	[ -n "$o_target" ] || xexec_fail "There is no target address to confirm; set one with target="
	[ "$o_confirmed" = no ] || xexec_fail "The target address is already confirmed"
	cf=$XDIR/alerts-code
	c_code=$(xexec_state_get "$cf" code)
	c_target=$(xexec_state_get "$cf" target)
	c_expires=$(xexec_state_get "$cf" expires)
	c_tries=$(xexec_state_get "$cf" tries)
	case $c_expires in '' | *[!0-9]*) c_expires=0 ;; esac
	case $c_tries in [0-9]) ;; *) c_tries=$CODE_TRIES ;; esac
	if [ -z "$c_code" ] || [ "$c_target" != "$o_target" ] || [ "$c_tries" -ge "$CODE_TRIES" ]; then
		xexec_fail "No confirmation code is waiting for this target; ask for a new one (resend)"
	fi
	if [ "$(now)" -ge "$c_expires" ]; then
		rm -f -- "$cf"
		xexec_fail "The confirmation code has expired; ask for a new one (resend)"
	fi
	if [ "$code" != "$c_code" ]; then
		c_tries=$((c_tries + 1))
		if [ "$c_tries" -ge "$CODE_TRIES" ]; then
			rm -f -- "$cf"
			xexec_fail "The code was wrong $CODE_TRIES times and is no longer valid; ask for a new one (resend)"
		fi
		printf 'code %s\ntarget %s\nexpires %s\ntries %s\n' "$c_code" "$c_target" "$c_expires" "$c_tries" >"$XTMP/code"
		mv -f -- "$XTMP/code" "$cf" || xexec_fail "Could not save the confirmation code"
		xexec_usage "That is not the code sent to $o_target; $((CODE_TRIES - c_tries)) tries left"
	fi
	confirmed=yes
	;;
esac

new=$XTMP/alerts
{
	printf 'status %s\n' "$status"
	[ -z "$v_target" ] || printf 'target %s\n' "$v_target"
	printf 'confirmed %s\n' "$confirmed"
	printf 'urgent %s\ncontacts %s\n' "$g_urgent" "$g_contacts"
	alerts_admin_lines
	[ -z "$v_senders" ] || printf '%s\n' "$v_senders" | sed 's/^/sender /'
	[ -z "$v_words" ] || printf '%s\n' "$v_words" | sed 's/^/word /'
} >"$new"
xexec_commit alerts "$new"
[ "$cmd" != confirm ] || rm -f -- "$XDIR/alerts-code"
[ -z "$new_code" ] || send_code "$v_target"
alerts_show "$state"
