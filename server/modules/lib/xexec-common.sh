# xexec-common.sh - helpers shared by the XEXEC reference modules.
#
# Sourced (never executed) by the modules in the directory above. POSIX sh
# (dash); only coreutils, sed, awk, grep and flock are used.
#
# How a module is run (docs/PROTOCOL.md §5): argv is the administrator's words
# `module.sh [--name=value ...] <user>` followed by the client's arguments, which
# are arbitrary bytes except NUL. Client arguments are data: they are only ever
# expanded inside double quotes, passed to printf '%s', or written to files, and
# never reach a command line where they could be taken for an option.
#
# Exit status: 0 success, 1 "could not do it", 2 "bad input or usage". On
# failure the last line on stderr is the sentence the user sees.

# Files and directories we create are private to the user.
umask 077

XEXEC_NL='
'

# ---------------------------------------------------------------------------
# Messages and exits

# Replace control bytes by '?' so a message stays one line: the server shows
# the *last* stderr line, so an embedded LF would cut the sentence.
xexec_oneline() {
	printf '%s' "$1" | tr '\000-\037\177' '?'
}

# xexec_short VALUE - a client's value to quote in a message: whole up to 260
# bytes (any valid address fits), else its first 200 bytes cut at a character
# boundary and "...", so that the sentence after it still reaches the user.
xexec_short() {
	if [ "$(xexec_bytes "$1")" -le 260 ]; then
		printf '%s' "$1"
		return 0
	fi
	printf '%s...' "$(printf '%s' "$1" | head -c 200 | { iconv -c -f UTF-8 -t UTF-8 2>/dev/null || :; })"
}

# xexec_die STATUS SENTENCE
xexec_die() {
	printf '%s\n' "$(xexec_oneline "$2")" >&2
	XEXEC_DIED=1
	exit "$1"
}

# On exit: remove our temporary files, and turn a failure we did not report
# ourselves (set -e stopped us: a full disk, a tool that failed) into exit 1
# with a sentence. Otherwise such a failure could exit 2, which means "bad
# input", with no message at all.
XEXEC_DIED=''
XEXEC_CLEAN=''
xexec_on_exit() {
	_st=$?
	[ -z "$XEXEC_CLEAN" ] || rm -rf -- "$XEXEC_CLEAN"
	if [ "$_st" -ne 0 ] && [ -z "$XEXEC_DIED" ]; then
		printf '%s\n' "The command failed because of an unexpected error on the server" >&2
		exit 1
	fi
	exit "$_st"
}
trap xexec_on_exit EXIT
trap 'exit 1' HUP INT TERM

xexec_fail() { xexec_die 1 "$1"; }
xexec_usage() { xexec_die 2 "$1"; }

# ---------------------------------------------------------------------------
# Command line: leading --name=value options, then the user name.

# xexec_take_options HANDLER "$@"
# Calls `HANDLER NAME VALUE` for each leading --name=value word and sets
# XEXEC_NOPT to the number of words consumed, so the caller can
# `shift "$XEXEC_NOPT"`. A literal `--` ends the options (and is consumed).
# A word equal to $XEXEC_USER is never an option: a login name such as
# "--scheme=PLAIN" must not be able to reconfigure the module.
xexec_take_options() {
	_handler=$1
	shift
	XEXEC_NOPT=0
	_seen=' '
	while [ $# -gt 0 ]; do
		if [ -n "${XEXEC_USER:-}" ] && [ "$1" = "$XEXEC_USER" ]; then
			return 0
		fi
		case $1 in
		--)
			XEXEC_NOPT=$((XEXEC_NOPT + 1))
			return 0
			;;
		--?*=*)
			# Each option once: a second value would silently win.
			_name=${1%%=*}
			_name=${_name#--}
			case $_seen in
			*" $_name "*) xexec_usage "Module option --$_name is given twice (server configuration error)" ;;
			esac
			_seen="$_seen$_name "
			;;
		esac
		case $1 in
		--dovecot-config=?*)
			# The server's configuration, for sievec and doveadm
			# (every Dovecot tool reads CONFIG_FILE). Needed when it is
			# not /etc/dovecot/dovecot.conf, so that the script is
			# checked against the limits the server itself applies.
			CONFIG_FILE=${1#*=}
			export CONFIG_FILE
			XEXEC_NOPT=$((XEXEC_NOPT + 1))
			shift
			;;
		--?*=*)
			"$_handler" "$_name" "${1#*=}"
			XEXEC_NOPT=$((XEXEC_NOPT + 1))
			shift
			;;
		*)
			return 0
			;;
		esac
	done
}

# Default handler for modules without options.
xexec_no_options() {
	xexec_usage "Unknown module option --$1 (server configuration error)"
}

# With `xexec_args_in_env = <module>` the plugin passes the client's
# arguments as XEXEC_ARGC and XEXEC_ARG1..n instead of in argv (argv is
# readable by every local user in /proc, the environment only by the same
# uid). Use as:  eval "set -- \"\$@\" $(xexec_env_arg_refs)"
# It prints only references ("$XEXEC_ARG1" ...), never values, so eval never
# parses client data.
xexec_env_arg_refs() {
	if [ -n "${XEXEC_SARGC:-}" ]; then
		_i=1
		while [ "$_i" -le "$XEXEC_SARGC" ]; do
			printf '"$XEXEC_SARG%d" ' "$_i"
			_i=$((_i + 1))
		done
		return 0
	fi
	[ -n "${XEXEC_ARGC:-}" ] || return 0
	case $XEXEC_ARGC in
	*[!0-9]* | ????*) xexec_usage "XEXEC_ARGC is not a small number (server error)" ;;
	esac
	_i=1
	while [ "$_i" -le "$XEXEC_ARGC" ]; do
		printf '"$XEXEC_ARG%d" ' "$_i"
		_i=$((_i + 1))
	done
}

# With `xexec_args_on_stdin = <module>` the plugin writes the client's
# arguments to standard input instead (readable by nobody else at all): a
# line with their count N in decimal, then N lines, each one argument
# followed by LF (such arguments never contain CR or LF), then EOF.
# xexec_read_stdin_args reads them into XEXEC_SARGC and XEXEC_SARG1..n (shell
# variables, never exported); xexec_env_arg_refs then refers to those. Call
# it only when argv has no client arguments; without the setting, standard
# input is /dev/null and there is nothing to read.
xexec_read_stdin_args() {
	[ -z "${XEXEC_ARGC:-}" ] || return 0
	[ ! -t 0 ] || return 0
	IFS= read -r _n || return 0
	case $_n in
	0 | [1-9] | [1-9][0-9] | [1-9][0-9][0-9]) ;;
	*) xexec_usage "The arguments on standard input are not in the expected format (server error)" ;;
	esac
	_i=1
	while [ "$_i" -le "$_n" ]; do
		IFS= read -r "XEXEC_SARG$_i" ||
			xexec_usage "The arguments on standard input are not in the expected format (server error)"
		_i=$((_i + 1))
	done
	XEXEC_SARGC=$_n
}

# xexec_set_user WORD - the configured user word (%u).
xexec_set_user() {
	[ -n "$1" ] || xexec_usage "No user name was given to the module (server configuration error)"
	XUSER=$1
}

# ---------------------------------------------------------------------------
# Value checks (all pure shell or one small pipe; values stay out of argv)

# True when $1 contains a control byte (0x00-0x1F, 0x7F), LF included.
xexec_has_ctl() {
	case $1 in
	*[[:cntrl:]]*) return 0 ;;
	esac
	return 1
}

# True when $1 contains a control byte other than LF and TAB.
xexec_has_ctl_but_lf_tab() {
	_v=$(printf '%s' "$1" | tr -d '\t\n')
	xexec_has_ctl "$_v"
}

# Byte length of $1, whatever the locale.
xexec_bytes() {
	printf '%s' "$1" | wc -c | tr -d ' '
}

# Character length of $1 (UTF-8 when the C.UTF-8 locale exists).
xexec_chars() {
	printf '%s' "$1" | LC_ALL=C.UTF-8 wc -m | tr -d ' '
}

# True when $1 is valid UTF-8. A Sieve script must be UTF-8 (RFC 5228 §2.1),
# so text that goes into one is checked. In C.UTF-8, grep's `.` does not match
# an invalid sequence; if that locale were missing we fall back to iconv.
xexec_is_utf8() {
	if printf '\377\n' | LC_ALL=C.UTF-8 grep -qax '.*' 2>/dev/null; then
		# The locale is not there (`.` matched a lone 0xFF byte).
		if command -v iconv >/dev/null 2>&1; then
			printf '%s' "$1" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1
			return
		fi
		return 0
	fi
	! printf '%s\n' "$1" | LC_ALL=C.UTF-8 grep -qaxv '.*'
}

# xexec_lower STR - ASCII lower case.
xexec_lower() {
	printf '%s' "$1" | tr 'A-Z' 'a-z'
}

# xexec_normalize_entries MODE < lines > normalized lines
# MODE "entry": local@domain or @domain (PROTOCOL.md §6.1);
# MODE "address": local@domain only. Each input line is trimmed and
# lower-cased. On the first invalid line, prints its number on stderr and
# exits 3. Callers must reject values containing LF before (one value a line).
xexec_normalize_entries() {
	LC_ALL=C awk -v mode="$1" '
	function trim(s) {
		sub(/^[ \t\r\n]+/, "", s)
		sub(/[ \t\r\n]+$/, "", s)
		return s
	}
	function valid(e,    at, loc, dom, n, i, lab) {
		if (length(e) > 254) return 0
		at = index(e, "@")
		if (at == 0) return 0
		loc = substr(e, 1, at - 1)
		dom = substr(e, at + 1)
		if (loc == "" && mode == "address") return 0
		if (length(loc) > 64) return 0
		if (loc != "" && loc !~ /^[a-z0-9!#$%&'\''*+\/=^_`{|}~.-]+$/) return 0
		n = split(dom, lab, ".")
		if (n < 2) return 0
		for (i = 1; i <= n; i++) {
			if (length(lab[i]) < 1 || length(lab[i]) > 63) return 0
			if (lab[i] !~ /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/) return 0
		}
		return 1
	}
	{
		e = tolower(trim($0))
		if (!valid(e)) { print NR > "/dev/stderr"; exit 3 }
		print e
	}'
}

# ---------------------------------------------------------------------------
# State directory, private temporary directory, lock

# xexec_init_state - sets XDIR ($HOME/.xexec), takes the user's lock
# (xexec_lock) and makes XTMP, a private temporary directory inside XDIR,
# removed on exit. Temporary files live next to the state so that the final
# rename is atomic (same file system).
#
# Every module makes its temporary directory only while it holds the lock,
# so a `.tmp.*` found then belongs to a module that was killed (SIGKILL runs
# no trap: a timeout or a disconnect) and is removed: a cut-off change never
# leaves a copy of the state behind for longer than the next change.
xexec_init_state() {
	case ${HOME:-} in
	/?*) ;;
	*) xexec_fail "This account has no home directory, so its settings cannot be stored" ;;
	esac
	if [ ! -d "$HOME" ]; then
		# A brand-new user whose first command is XEXEC: Dovecot creates
		# the home only when it first stores mail. Create it as Dovecot
		# would: mode 0700, owned by the mail uid we run as.
		mkdir -p -m 700 -- "$HOME" 2>/dev/null || [ -d "$HOME" ] ||
			xexec_fail "This account's home directory does not exist yet and could not be created (server configuration error)"
	fi
	XDIR=${HOME%/}/.xexec
	if [ ! -d "$XDIR" ]; then
		mkdir -m 700 -- "$XDIR" 2>/dev/null || [ -d "$XDIR" ] ||
			xexec_fail "Could not create the settings directory in this account's home directory"
	fi
	xexec_lock
	for _t in "$XDIR"/.tmp.*; do
		[ ! -e "$_t" ] || rm -rf -- "$_t" || xexec_fail "Could not remove an old temporary directory"
	done
	XTMP=$XDIR/.tmp.$$
	mkdir -m 700 -- "$XTMP" 2>/dev/null || xexec_fail "Could not create a temporary directory"
	XEXEC_CLEAN=$XTMP
	xexec_repair
}

# xexec_lock - serialize all changes to one user's state (all modules share
# one lock because every change rewrites the one Sieve script). Taken once;
# held until the module exits.
XEXEC_LOCK_TIMEOUT=10
XEXEC_LOCKED=''
xexec_lock() {
	[ -z "$XEXEC_LOCKED" ] || return 0
	# `command` keeps a failed redirection from ending the shell (exec is a
	# special builtin), so our own sentence is printed.
	command exec 9>>"$XDIR/.lock" || xexec_fail "Could not open the settings lock file"
	flock -w "$XEXEC_LOCK_TIMEOUT" 9 ||
		xexec_fail "Your settings are being changed by another session; please try again in a moment"
	XEXEC_LOCKED=1
}

# xexec_state_get FILE KEY - the value of a `KEY value` line of a state file,
# read only up to a line `body` (where a free-text part may start). Empty when
# the file or the key is missing.
xexec_state_get() {
	[ -f "$1" ] || return 0
	sed -n -e '/^body$/q' -e "s/^$2 //p" "$1" | sed -n '1p'
}

# Committing a change, and keeping the script in step with the state.
. "$XEXEC_LIBDIR/xexec-state.sh"

# The Sieve generator lives in its own file to keep both readable.
. "$XEXEC_LIBDIR/xexec-sieve.sh"
. "$XEXEC_LIBDIR/xexec-spam.sh"
. "$XEXEC_LIBDIR/xexec-contacts.sh"
. "$XEXEC_LIBDIR/xexec-alerts.sh"
. "$XEXEC_LIBDIR/xexec-rules.sh"
