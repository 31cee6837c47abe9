#!/bin/sh
# forwardmail.sh - XEXEC "forwardmail" module (docs/PROTOCOL.md §6.3).
# Configure as: xexec = forwardmail:/usr/local/dovecot/forwardmail.sh %u
#
#   forwardmail show                  -> state
#   forwardmail set <address> [keep]  -> state (keep: also keep a copy here)
#   forwardmail off                   -> state (the address is kept)
#
# State: $HOME/.xexec/forward, lines `status on|off`, `address <address>`
# (when one was ever set), `keepcopy yes|no`. The address is validated, so
# it has no line break. The Sieve script does `redirect [:copy] "<address>";`.
set -eu
XEXEC_LIBDIR=$(readlink -f -- "$0") && XEXEC_LIBDIR=${XEXEC_LIBDIR%/*}/lib || exit 1
. "$XEXEC_LIBDIR/xexec-common.sh"

# forward_show FILE - print the state in the protocol's format.
forward_show() {
	_st=$(xexec_state_get "$1" status)
	_ad=$(xexec_state_get "$1" address)
	_kc=$(xexec_state_get "$1" keepcopy)
	printf 'status %s\n' "${_st:-off}"
	[ -z "$_ad" ] || printf 'address %s\n' "$_ad"
	printf 'keepcopy %s\n' "${_kc:-no}"
}

xexec_take_options xexec_no_options "$@"
shift "$XEXEC_NOPT"
[ $# -ge 1 ] || xexec_usage "Usage: forwardmail.sh [--option=value ...] <user> show|set|off [<address> [keep]]"
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
	case ${HOME:-} in /?*) state=${HOME%/}/.xexec/forward ;; *) state=/dev/null ;; esac
	xexec_check_step
	forward_show "$state"
	exit 0
	;;
set)
	[ $# -ge 1 ] || xexec_usage "Give the address to forward to"
	[ $# -le 2 ] || xexec_usage "Usage: forwardmail set <address> [keep]"
	keep=no
	if [ $# -eq 2 ]; then
		[ "$2" = keep ] || xexec_usage "Unknown option '$(xexec_short "$2")': the only option after the address is keep"
		keep=yes
	fi
	case $1 in
	*"$XEXEC_NL"*) xexec_usage "'$(xexec_short "$1")' is not a valid e-mail address" ;;
	esac
	# Lower-cased like list entries (PROTOCOL.md §6.1's grammar).
	addr=$(printf '%s\n' "$1" | xexec_normalize_entries address 2>/dev/null) ||
		xexec_usage "'$(xexec_short "$1")' is not a valid e-mail address"
	# Forwarding to oneself would loop (or at best duplicate every mail).
	case $XUSER in
	*@*)
		if [ "$addr" = "$(xexec_lower "$XUSER")" ]; then
			xexec_usage "Mail cannot be forwarded to this mailbox's own address"
		fi
		;;
	esac
	;;
off)
	[ $# -eq 0 ] || xexec_usage "The off command takes no arguments"
	;;
*)
	xexec_usage "Unknown command '$(xexec_short "$cmd")': use show, set or off"
	;;
esac

xexec_init_state # takes the lock
state=$XDIR/forward
new=$XTMP/forward
if [ "$cmd" = set ]; then
	printf 'status on\naddress %s\nkeepcopy %s\n' "$addr" "$keep" >"$new"
else
	old_addr=$(xexec_state_get "$state" address)
	old_keep=$(xexec_state_get "$state" keepcopy)
	{
		printf 'status off\n'
		[ -z "$old_addr" ] || printf 'address %s\n' "$old_addr"
		printf 'keepcopy %s\n' "${old_keep:-no}"
	} >"$new"
fi
xexec_commit forward "$new"
forward_show "$state"
