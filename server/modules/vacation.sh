#!/bin/sh
# vacation.sh - XEXEC "vacation" module (docs/PROTOCOL.md §6.4).
# Configure as: xexec = vacation:/usr/local/dovecot/vacation.sh [--max-replies-per-hour=N] %u
#
#   vacation show                 -> state
#   vacation set <key>=<value>... -> state (keys subject, body, days, start,
#                                    end, only)
#   vacation off                  -> state (the text is kept for next time)
#
# --max-replies-per-hour=N (the administrator's, 1-1000): at most N replies in
# any hour for the account, whoever the senders are (forged senders cannot
# turn the account into a mail cannon). Sieve "duplicate" keeps N slots that
# each stay taken for an hour. It is stored in the state (`cap N`) because
# every module regenerates the script; a change of the option takes effect at
# the user's next vacation command.
#
# only=<entries>: reply only to these senders (addresses or @domain, as in
# the lists; separated by commas, spaces or line breaks; empty: everyone). The
# envelope sender is checked, since that is where the reply goes.
#
# State: $HOME/.xexec/vacation:
#   status on|off
#   days <n>
#   start <YYYY-MM-DD>      (only when set)
#   end <YYYY-MM-DD>        (only when set)
#   subject <subject>       (may be empty)
#   cap <n>                 (only with --max-replies-per-hour)
#   only <entry>            (one line each, only when set)
#   body                    (marker line, only once a body was set)
#   <the body, to the end of the file>
# Every value before the marker is validated to have no line break, so the
# file can be read line by line up to it; the body is everything after it.
set -eu
XEXEC_LIBDIR=$(readlink -f -- "$0") && XEXEC_LIBDIR=${XEXEC_LIBDIR%/*}/lib || exit 1
. "$XEXEC_LIBDIR/xexec-common.sh"

CR=$(printf '\r')

# vacation_show FILE - print the state in the protocol's format.
vacation_show() {
	_st=$(xexec_state_get "$1" status)
	printf 'status %s\n' "${_st:-off}"
	printf 'subject %s\n' "$(xexec_state_get "$1" subject)"
	_d=$(xexec_state_get "$1" days)
	printf 'days %s\n' "${_d:-7}"
	_s=$(xexec_state_get "$1" start)
	[ -z "$_s" ] || printf 'start %s\n' "$_s"
	_e=$(xexec_state_get "$1" end)
	[ -z "$_e" ] || printf 'end %s\n' "$_e"
	[ ! -f "$1" ] || sed -n -e '/^body$/q' -e '/^only /p' "$1"
	[ ! -f "$1" ] || sed -e '1,/^body$/d' -e 's/^/body /' "$1"
}

# valid_date YYYY-MM-DD - a real calendar date (years 0001-9999).
valid_date() {
	case $1 in
	[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
	*) return 1 ;;
	esac
	_y=${1%%-*} _m=${1#*-} _d=${1##*-}
	_m=${_m%-*}
	# Leading zeros: test(1) reads decimal, but keep it obvious.
	_y=${_y#"${_y%%[!0]*}"} _m=${_m#0} _d=${_d#0}
	[ -n "$_y" ] && [ "$_m" -ge 1 ] && [ "$_m" -le 12 ] && [ "$_d" -ge 1 ] || return 1
	case $_m in
	2)
		if [ $((_y % 4)) -eq 0 ] && { [ $((_y % 100)) -ne 0 ] || [ $((_y % 400)) -eq 0 ]; }; then
			_max=29
		else
			_max=28
		fi
		;;
	4 | 6 | 9 | 11) _max=30 ;;
	*) _max=31 ;;
	esac
	[ "$_d" -le "$_max" ]
}

# date_number YYYY-MM-DD -> YYYYMMDD, for comparing.
date_number() {
	_x=${1#*-}
	printf '%s%s%s' "${1%%-*}" "${_x%-*}" "${1##*-}"
}

max_per_hour=''
vacation_option() {
	case $1 in
	max-replies-per-hour)
		case $2 in
		[1-9] | [1-9][0-9] | [1-9][0-9][0-9] | 1000) max_per_hour=$2 ;;
		*) xexec_usage "--max-replies-per-hour must be a number from 1 to 1000 (server configuration error)" ;;
		esac
		;;
	*) xexec_usage "Unknown module option --$1 (server configuration error)" ;;
	esac
}

xexec_take_options vacation_option "$@"
shift "$XEXEC_NOPT"
[ $# -ge 1 ] || xexec_usage "Usage: vacation.sh [--option=value ...] <user> show|set|off [<key>=<value> ...]"
xexec_set_user "$1"
shift
[ $# -gt 0 ] || xexec_read_stdin_args
eval "set -- \"\$@\" $(xexec_env_arg_refs)"
[ $# -ge 1 ] || xexec_usage "Missing command: use show, set or off"
cmd=$1
shift

case $cmd in
show)
	[ $# -eq 0 ] || xexec_usage "The show command takes no arguments"
	case ${HOME:-} in /?*) state=${HOME%/}/.xexec/vacation ;; *) state=/dev/null ;; esac
	xexec_check_step
	vacation_show "$state"
	exit 0
	;;
set)
	[ $# -ge 1 ] || xexec_usage "Give at least one of subject=, body=, days=, start=, end=, only="
	;;
off)
	[ $# -eq 0 ] || xexec_usage "The off command takes no arguments"
	;;
*)
	xexec_usage "Unknown command '$(xexec_short "$cmd")': use show, set or off"
	;;
esac

# Check every key=value first; nothing is stored unless all are valid.
g_subject='' g_body='' g_days='' g_start='' g_end='' g_only='' seen=' '
for kv in "$@"; do
	case $kv in
	*=*) ;;
	*) xexec_usage "'$(xexec_short "$kv")' is not of the form key=value" ;;
	esac
	key=${kv%%=*} val=${kv#*=}
	# Each key once: a repeated key would only overwrite the first, and
	# thousands of them would keep the checks below busy for long.
	case $seen in
	*" $key "*) xexec_usage "The key '$(xexec_short "$key")' is given more than once" ;;
	esac
	seen="$seen$key "
	case $key in
	subject)
		xexec_has_ctl "$val" && xexec_usage "The subject must not contain control characters"
		[ "$(xexec_bytes "$val")" -le 255 ] || xexec_usage "The subject must be at most 255 bytes long"
		xexec_is_utf8 "$val" || xexec_usage "The subject must be UTF-8 text"
		g_subject=1 v_subject=$val
		;;
	body)
		case $val in
		*"$CR") xexec_usage "The message body must not contain control characters" ;;
		esac
		# CRLF is read as LF. The $(...) also drops trailing line
		# breaks, which carry no meaning at the end of a reply.
		val=$(printf '%s\n' "$val" | sed "s/$CR\$//")
		xexec_has_ctl_but_lf_tab "$val" && xexec_usage "The message body must not contain control characters"
		[ "$(xexec_bytes "$val")" -le 16384 ] || xexec_usage "The message body must be at most 16384 bytes long"
		[ -n "$val" ] || xexec_usage "The message body must not be empty"
		xexec_is_utf8 "$val" || xexec_usage "The message body must be UTF-8 text"
		g_body=1 v_body=$val
		;;
	days)
		case $val in
		[1-9] | [1-5][0-9] | 60) ;;
		*) xexec_usage "The reply interval (days) must be a whole number from 1 to 60" ;;
		esac
		g_days=1 v_days=$val
		;;
	start | end)
		if [ -n "$val" ] && ! valid_date "$val"; then
			xexec_usage "The $key date must be a real date written YYYY-MM-DD"
		fi
		if [ "$key" = start ]; then g_start=1 v_start=$val; else g_end=1 v_end=$val; fi
		;;
	only)
		# One entry a line for the checker; commas and spaces separate.
		# A "!" line (never a valid entry) says the checker refused one.
		v_only=$({
			printf '%s\n' "$val" | tr ', \t\r' '\n\n\n\n' | sed '/^$/d' |
				xexec_normalize_entries entry 2>/dev/null || echo '!'
		} | LC_ALL=C sort -u)
		case "$XEXEC_NL$v_only$XEXEC_NL" in
		*"$XEXEC_NL!$XEXEC_NL"*)
			xexec_usage "only= takes addresses or @domain entries separated by commas; one of them is not valid"
			;;
		esac
		g_only=1
		;;
	*)
		xexec_usage "Unknown key '$(xexec_short "$key")': use subject, body, days, start, end or only"
		;;
	esac
done

xexec_init_state # takes the lock
state=$XDIR/vacation

# A key not given keeps its stored value.
[ -n "$g_subject" ] || v_subject=$(xexec_state_get "$state" subject)
[ -n "$g_days" ] || v_days=$(xexec_state_get "$state" days)
[ -n "$g_start" ] || v_start=$(xexec_state_get "$state" start)
[ -n "$g_end" ] || v_end=$(xexec_state_get "$state" end)
[ -n "$g_only" ] || v_only=$([ ! -f "$state" ] || sed -n -e '/^body$/q' -e 's/^only //p' "$state")
if [ -z "$g_body" ]; then
	v_body=''
	[ ! -f "$state" ] || v_body=$(sed '1,/^body$/d' "$state")
fi
v_days=${v_days:-7}

if [ "$cmd" = set ]; then
	[ -n "$v_body" ] || xexec_usage "The first vacation set needs the message text: body=..."
	if [ -n "$v_start" ] && [ -n "$v_end" ] &&
		[ "$(date_number "$v_end")" -lt "$(date_number "$v_start")" ]; then
		xexec_usage "The end date must not be before the start date"
	fi
	status=on
else
	status=off
fi

new=$XTMP/vacation
{
	printf 'status %s\n' "$status"
	printf 'days %s\n' "$v_days"
	[ -z "$v_start" ] || printf 'start %s\n' "$v_start"
	[ -z "$v_end" ] || printf 'end %s\n' "$v_end"
	printf 'subject %s\n' "$v_subject"
	[ -z "$max_per_hour" ] || printf 'cap %s\n' "$max_per_hour"
	[ -z "$v_only" ] || printf '%s\n' "$v_only" | sed 's/^/only /'
	[ -z "$v_body" ] || printf 'body\n%s\n' "$v_body"
} >"$new"
xexec_commit vacation "$new"
vacation_show "$state"
