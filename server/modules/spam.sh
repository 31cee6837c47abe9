#!/bin/sh
# spam.sh - XEXEC "spam" module (docs/PROTOCOL.md §6.5).
# Configure as: xexec = spam:/usr/local/dovecot/spam.sh [--delete-folder=NAME --delete-days=N] %u
#
#   spam show                  -> state
#   spam set <key>=<value>...  -> state (keys level, action, tlds, charsets)
#   spam off                   -> state (level off; the lists are kept)
#   spam contacts list         -> the trusted contacts, one a line
#   spam contacts set <address>... -> state (replaces them: "trust my contacts")
#   spam contacts clear        -> state
#
# level: off (the module filters nothing), lenient, standard, strict (spam
# scores of at least 80, 50, 30 percent of the scanner's maximum, through
# Pigeonhole's spamtest :percent), allowed-only (only senders on the whitelist
# reach the inbox). Blocked TLDs and character sets apply at every level but
# off. Everything the module blocks goes to Junk; with action=delete, mail
# over the spam level goes to the administrator's autoexpunged folder instead.
#
# --delete-folder=NAME and --delete-days=N (the administrator's, together):
# the server expunges NAME automatically after N days (Dovecot's
# `autoexpunge`, SERVER.md). Without them action=delete is refused.
# --virustest=yes (the administrator's): the server's Pigeonhole has virustest
# set up for its virus scanner (SERVER.md); mail the scanner finds infected
# then goes to Junk at every level but off. It is stored with the next
# set or off, like the delete folder.
#
# State: $HOME/.xexec/spam, see lib/xexec-spam.sh. Every value is checked
# against a strict grammar (lower-cased ASCII), so it has no line break.
# $HOME/.xexec/contacts: the addresses of the address books the user trusts,
# one a line, sorted and unique (a list of its own, so that the client can
# refresh it as a whole without touching the whitelist); the generated
# script allows them exactly like whitelist entries.
set -eu
XEXEC_LIBDIR=$(readlink -f -- "$0") && XEXEC_LIBDIR=${XEXEC_LIBDIR%/*}/lib || exit 1
. "$XEXEC_LIBDIR/xexec-common.sh"

MAX_TLDS=300
MAX_CHARSETS=100

# spam_show FILE - print the state in the protocol's format.
spam_show() {
	_lv=$(xexec_state_get "$1" level)
	_ac=$(xexec_state_get "$1" action)
	printf 'level %s\n' "${_lv:-off}"
	printf 'action %s\n' "${_ac:-junk}"
	# What the server offers, so a client can offer it too.
	[ -z "$del_days" ] || printf 'delete-days %s\n' "$del_days"
	[ -z "$virus" ] || printf 'virustest yes\n'
	[ ! -f "$1" ] || sed -n -e '/^tld /p' -e '/^charset /p' "$1"
	_nct=0
	[ ! -f "${1%/*}/contacts" ] || _nct=$(wc -l <"${1%/*}/contacts" | tr -d ' ')
	printf 'contacts %s\n' "$_nct"
}

del_folder='' del_days='' virus=''
spam_option() {
	case $1 in
	delete-folder)
		case $2 in
		[A-Za-z0-9]*) case $2 in *[!A-Za-z0-9._/-]*) _bad=1 ;; *) _bad='' ;; esac ;;
		*) _bad=1 ;;
		esac
		[ -z "$_bad" ] && [ "$(xexec_bytes "$2")" -le 100 ] ||
			xexec_usage "--delete-folder must be a folder name of letters, digits and . _ / - (server configuration error)"
		del_folder=$2
		;;
	delete-days)
		case $2 in
		[1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-3][0-9][0-9][0-9]) del_days=$2 ;;
		*) xexec_usage "--delete-days must be a number of days from 1 to 3999 (server configuration error)" ;;
		esac
		;;
	virustest)
		case $2 in
		yes) virus=yes ;;
		no) virus='' ;;
		*) xexec_usage "--virustest must be yes or no (server configuration error)" ;;
		esac
		;;
	*) xexec_usage "Unknown module option --$1 (server configuration error)" ;;
	esac
}

# spam_list KIND VALUE - VALUE's entries (separated by commas, spaces or line
# breaks) checked, lower-cased, sorted and unique, one a line, on stdout.
# KIND tld: one DNS label of letters (ru, com) or an IDN label (xn--...), a
# leading dot allowed; KIND charset: an IANA-style charset name. On the first
# invalid entry prints "!<entry>" instead and returns 1.
spam_list() {
	printf '%s\n' "$2" | tr ', \t\r' '\n\n\n\n' | LC_ALL=C awk -v kind="$1" '
		$0 == "" { next }
		{
			e = tolower($0)
			if (kind == "tld") {
				sub(/^\./, "", e)
				ok = length(e) <= 63 && (e ~ /^[a-z][a-z]+$/ || e ~ /^xn--[a-z0-9]([a-z0-9-]*[a-z0-9])?$/)
			} else {
				ok = length(e) <= 40 && e ~ /^[a-z0-9][a-z0-9._:+-]*$/
			}
			if (!ok) { print "!" $0; exit 1 }
			print e
		}' | LC_ALL=C sort -u
}

xexec_take_options spam_option "$@"
shift "$XEXEC_NOPT"
if { [ -n "$del_folder" ] && [ -z "$del_days" ]; } || { [ -z "$del_folder" ] && [ -n "$del_days" ]; }; then
	xexec_usage "--delete-folder and --delete-days go together (server configuration error)"
fi
[ $# -ge 1 ] || xexec_usage "Usage: spam.sh [--option=value ...] <user> show|set|off|contacts [<argument> ...]"
xexec_set_user "$1"
shift
[ $# -gt 0 ] || xexec_read_stdin_args
eval "set -- \"\$@\" $(xexec_env_arg_refs)"
[ $# -ge 1 ] || xexec_usage "Missing command: use show, set, off or contacts"
cmd=$1
shift

case $cmd in
show)
	[ $# -eq 0 ] || xexec_usage "The show command takes no arguments"
	case ${HOME:-} in /?*) state=${HOME%/}/.xexec/spam ;; *) state=/dev/null ;; esac
	xexec_check_step
	spam_show "$state"
	exit 0
	;;
set)
	[ $# -ge 1 ] || xexec_usage "Give at least one of level=, action=, tlds=, charsets="
	;;
off)
	[ $# -eq 0 ] || xexec_usage "The off command takes no arguments"
	;;
contacts)
	# Shared with the alerts module (lib/xexec-contacts.sh).
	spam_show_state() { spam_show "$XDIR/spam"; }
	xexec_contacts_command spam_show_state "$@"
	;;
*)
	xexec_usage "Unknown command '$(xexec_short "$cmd")': use show, set, off or contacts"
	;;
esac

# Check every key=value first; nothing is stored unless all are valid.
g_level='' g_action='' g_tlds='' g_cs='' seen=' '
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
	level)
		case $val in
		off | lenient | standard | strict | allowed-only) g_level=$val ;;
		*) xexec_usage "The level must be off, lenient, standard, strict or allowed-only" ;;
		esac
		;;
	action)
		case $val in
		junk) g_action=junk ;;
		delete)
			[ -n "$del_days" ] ||
				xexec_fail "This server does not delete spam automatically, so spam can only be moved to Junk; nothing was changed"
			g_action=delete
			;;
		*) xexec_usage "The action must be junk or delete" ;;
		esac
		;;
	tlds | charsets)
		kind=${key%s}
		list=$(spam_list "$kind" "$val") || :
		case "$XEXEC_NL$list" in
		*"$XEXEC_NL!"*)
			bad=$(printf '%s\n' "$list" | sed -n 's/^!//p' | sed -n '1p')
			if [ "$kind" = tld ]; then
				xexec_usage "'$(xexec_short "$bad")' is not a top-level domain (such as ru or com); nothing was changed"
			fi
			xexec_usage "'$(xexec_short "$bad")' is not a character set name (such as koi8-r); nothing was changed"
			;;
		esac
		n=0
		[ -z "$list" ] || n=$(printf '%s\n' "$list" | wc -l | tr -d ' ')
		if [ "$kind" = tld ]; then
			[ "$n" -le "$MAX_TLDS" ] || xexec_usage "At most $MAX_TLDS top-level domains can be blocked"
			g_tlds=1 v_tlds=$list
		else
			[ "$n" -le "$MAX_CHARSETS" ] || xexec_usage "At most $MAX_CHARSETS character sets can be blocked"
			g_cs=1 v_cs=$list
		fi
		;;
	*)
		xexec_usage "Unknown key '$(xexec_short "$key")': use level, action, tlds or charsets"
		;;
	esac
done

xexec_init_state # takes the lock
state=$XDIR/spam

# A key not given keeps its stored value (checked again: the file may have
# been edited by hand).
old() { [ ! -f "$state" ] || LC_ALL=C sed -n "s/^$1 \($2\)\$/\1/p" "$state"; }
[ -n "$g_level" ] || g_level=$(xexec_state_get "$state" level)
case $g_level in lenient | standard | strict | allowed-only) ;; *) g_level=off ;; esac
[ "$cmd" = set ] || g_level=off
[ -n "$g_action" ] || g_action=$(xexec_state_get "$state" action)
# A server that stopped offering deletion: back to Junk.
[ "$g_action" = delete ] && [ -n "$del_days" ] || g_action=junk
[ -n "$g_tlds" ] || v_tlds=$(old tld '[a-z][a-z0-9-]*')
[ -n "$g_cs" ] || v_cs=$(old charset '[a-z0-9][a-z0-9._:+-]*')

new=$XTMP/spam
{
	printf 'level %s\n' "$g_level"
	printf 'action %s\n' "$g_action"
	if [ "$g_action" = delete ]; then
		printf 'folder %s\ndays %s\n' "$del_folder" "$del_days"
	fi
	[ -z "$virus" ] || printf 'virus yes\n'
	[ -z "$v_tlds" ] || printf '%s\n' "$v_tlds" | sed 's/^/tld /'
	[ -z "$v_cs" ] || printf '%s\n' "$v_cs" | sed 's/^/charset /'
} >"$new"
xexec_commit spam "$new"
spam_show "$state"
