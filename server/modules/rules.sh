#!/bin/sh
# rules.sh - XEXEC "rules" module (docs/PROTOCOL.md §6.7).
# Configure as: xexec = rules:/usr/local/dovecot/rules.sh [--option=value ...] %u
#
#   rules list                          -> abilities, then every rule in order
#   rules add <rule>                    -> "added <id>", then as list
#   rules replace <id> <rule>           -> as list
#   rules delete|enable|disable <id>    -> as list
#   rules move <id> up|down|<position>  -> as list
#   rules check <rule>                  -> "ok" (compiled with the stored rules; nothing stored)
#
# The administrator's options:
#   --max-rules=N          at most N rules (1-10000, default 500)
# The size of the whole generated script is limited by the server's own
# sieve_max_script_size, which the compile before every change applies
# (--dovecot-config names the server's configuration when it is not
# /etc/dovecot/dovecot.conf).
#
# State: $HOME/.xexec/rules (lib/xexec-rules.sh). Every change is made under
# the user's lock on the state as it is then, and ids are never given twice,
# so two sessions editing at once lose nothing and never change each other's
# rules by mistake.
set -eu
XEXEC_LIBDIR=$(readlink -f -- "$0") && XEXEC_LIBDIR=${XEXEC_LIBDIR%/*}/lib || exit 1
. "$XEXEC_LIBDIR/xexec-common.sh"

max_rules=500
rules_option() {
	case $1 in
	max-rules)
		case $2 in
		[1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | 10000) max_rules=$2 ;;
		*) xexec_usage "--max-rules must be a number from 1 to 10000 (server configuration error)" ;;
		esac
		;;
	*) xexec_usage "Unknown module option --$1 (server configuration error)" ;;
	esac
}

# A private temporary directory for the read-only commands, which take no
# lock (the changes use XTMP, made under the lock).
rules_tmp() {
	if [ -n "${XTMP:-}" ]; then
		_rt=$XTMP
		return 0
	fi
	_rt=$(mktemp -d "${TMPDIR:-/tmp}/xexec-rules.XXXXXX") || xexec_fail "Could not create a temporary directory"
	XEXEC_CLEAN=$_rt
}

# rules_can EXTENSION - true when the server's Sieve has the extension: a
# one-line script that requires it compiles (with the server's settings, so
# an extension the administrator switched off counts as missing).
rules_can() {
	rules_tmp
	printf 'require "%s";\n' "$1" >"$_rt/can.sieve"
	sievec "$_rt/can.sieve" "$_rt/can.svbin" >/dev/null 2>&1
}

# rules_show FILE - the abilities and the rules, in the protocol's format.
rules_show() {
	! rules_can body || printf 'ability body\n'
	printf 'limit rules %s\n' "$max_rules"
	[ ! -f "$1" ] || sed -n '/^rule /,$p' "$1"
}

# rules_checked RULE - the rule in normal form in $XTMP/rule, or exit 2 with
# the sentence naming the bad line.
rules_checked() {
	xexec_is_utf8 "$1" || xexec_usage "The rule must be UTF-8 text"
	! xexec_has_ctl "$(printf '%s' "$1" | tr -d '\n')" ||
		xexec_usage "The rule must not contain control characters (only line breaks between its lines)"
	_self=''
	case $XUSER in *@*) _self=$(xexec_lower "$XUSER") ;; esac
	_body=no
	! rules_can body || _body=yes
	if ! printf '%s\n' "$1" | xexec_rules_check "$_self" "$_body" >"$XTMP/rule" 2>"$XTMP/rule.err"; then
		xexec_usage "$(sed -n '$p' "$XTMP/rule.err")"
	fi
}

# rules_id WORD - WORD as a rule id, or exit 2.
rules_id() {
	case $1 in
	[1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9] | \
		[1-9][0-9][0-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9] | \
		[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
	*) xexec_usage "'$(xexec_short "$1")' is not a rule id" ;;
	esac
}

# rules_edit OP ID [ARG] < state > new state; exit 4 when ID is not there.
# OP: add (ARG: the rule file), replace (ARG: the rule file), delete, enable,
# disable, move (ARG: up, down or a position; exit 5 for a position past the
# end). The header lines are rewritten: next, mime.
rules_edit() {
	LC_ALL=C awk -v op="$1" -v id="$2" -v arg="${3:-}" -v mime="$_mime" '
	/^next [0-9]+$/ && n == 0 { next_ = $2 + 0; next }
	/^mime / && n == 0 { next }
	/^rule [1-9][0-9]*$/ { n++; ids[n] = $2; txt[n] = ""; next }
	n > 0 { txt[n] = txt[n] $0 "\n" }
	function slurp(f,    l, t) {
		t = ""
		while ((getline l < f) > 0) t = t l "\n"
		close(f)
		return t
	}
	END {
		if (next_ < 1) next_ = 1
		for (i = 1; i <= n; i++) if (ids[i] + 0 >= next_) next_ = ids[i] + 1
		at = 0
		for (i = 1; i <= n; i++) if (ids[i] == id) at = i
		if (op == "add") {
			n++; ids[n] = next_; txt[n] = slurp(arg); at = n
			next_++
		} else if (at == 0) {
			exit 4
		} else if (op == "replace") {
			txt[at] = slurp(arg)
		} else if (op == "enable" || op == "disable") {
			sub(/\nenabled (yes|no)\n/, "\nenabled " (op == "enable" ? "yes" : "no") "\n", txt[at])
		} else if (op == "move") {
			to = arg == "up" ? at - 1 : arg == "down" ? at + 1 : arg + 0
			if (arg != "up" && arg != "down" && (to < 1 || to > n)) exit 5
			if (to < 1) to = 1
			if (to > n) to = n
			ti = ids[at]; tt = txt[at]
			if (to < at) for (i = at; i > to; i--) { ids[i] = ids[i - 1]; txt[i] = txt[i - 1] }
			else for (i = at; i < to; i++) { ids[i] = ids[i + 1]; txt[i] = txt[i + 1] }
			ids[to] = ti; txt[to] = tt
		}
		printf "next %d\nmime %s\n", next_, mime
		for (i = 1; i <= n; i++) {
			if (op == "delete" && i == at) continue
			printf "rule %s\n%s", ids[i], txt[i]
		}
		if (op == "add") printf "%s\n", ids[at] > "/dev/stderr"
	}'
}

xexec_take_options rules_option "$@"
shift "$XEXEC_NOPT"
[ $# -ge 1 ] || xexec_usage "Usage: rules.sh [--option=value ...] <user> list|add|replace|delete|move|enable|disable|check [<argument> ...]"
xexec_set_user "$1"
shift
[ $# -gt 0 ] || xexec_read_stdin_args
eval "set -- \"\$@\" $(xexec_env_arg_refs)"
[ $# -ge 1 ] || xexec_usage "Missing command: use list, add, replace, delete, move, enable, disable or check"
cmd=$1
shift

id='' arg=''
case $cmd in
list)
	[ $# -eq 0 ] || xexec_usage "The list command takes no arguments"
	case ${HOME:-} in /?*) state=${HOME%/}/.xexec/rules ;; *) state=/dev/null ;; esac
	xexec_check_step
	rules_show "$state"
	exit 0
	;;
add | check)
	[ $# -eq 1 ] || xexec_usage "Usage: rules $cmd <rule>"
	;;
replace)
	[ $# -eq 2 ] || xexec_usage "Usage: rules replace <id> <rule>"
	rules_id "$1"
	id=$1
	shift
	;;
delete | enable | disable)
	[ $# -eq 1 ] || xexec_usage "Usage: rules $cmd <id>"
	rules_id "$1"
	id=$1
	;;
move)
	[ $# -eq 2 ] || xexec_usage "Usage: rules move <id> up|down|<position>"
	rules_id "$1"
	id=$1
	case $2 in
	up | down) ;;
	[1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9]) ;;
	*) xexec_usage "Move a rule up, down or to a position (1 is the first rule)" ;;
	esac
	arg=$2
	;;
*) xexec_usage "Unknown command '$(xexec_short "$cmd")': use list, add, replace, delete, move, enable, disable or check" ;;
esac

xexec_init_state # takes the lock
state=$XDIR/rules
case $cmd in add | check | replace) rules_checked "$1" ;; esac
_mime=no
! rules_can mime || _mime=yes

new=$XTMP/rules.new
old=$state
[ -f "$old" ] || old=/dev/null
case $cmd in
add | check) op=add ;;
*) op=$cmd ;;
esac
set +e
rules_edit "$op" "$id" "${arg:-$XTMP/rule}" <"$old" >"$new" 2>"$XTMP/added"
st=$?
set -e
case $st in
0) ;;
4) xexec_usage "There is no rule $id (it may have been deleted in another session)" ;;
5) xexec_usage "There is no position $arg: there are $(grep -c '^rule ' "$old") rules" ;;
*) xexec_fail "Could not change the rules" ;;
esac

count=$(grep -c '^rule ' "$new" || :)
if [ "$count" -gt "$max_rules" ] && [ "$cmd" != delete ]; then
	case $cmd in
	add | check) xexec_fail "At most $max_rules rules can be stored (the server's limit); nothing was changed" ;;
	esac
fi

if [ "$cmd" = check ]; then
	# The script with the proposed rule, compiled and thrown away.
	xexec_sieve_generate "$XDIR/blacklist" "$XDIR/whitelist" "$XDIR/forward" "$XDIR/vacation" "$XDIR/spam" \
		"$XDIR/contacts" check "$XDIR/alerts" "$new" >"$XTMP/check.sieve"
	if ! sievec "$XTMP/check.sieve" "$XTMP/check.svbin" 2>"$XTMP/sievec.err"; then
		sed 's/^/sievec: /' "$XTMP/sievec.err" >&2
		if grep -q 'too large' "$XTMP/sievec.err"; then
			xexec_fail "With this rule the mail filter would exceed the server's Sieve size limit (sieve_max_script_size)"
		fi
		xexec_fail "The mail filter could not be compiled with this rule"
	fi
	printf 'ok\n'
	exit 0
fi

xexec_commit rules "$new"
[ "$cmd" != add ] || printf 'added %s\n' "$(sed -n '$p' "$XTMP/added")"
rules_show "$state"
