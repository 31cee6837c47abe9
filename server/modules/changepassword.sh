#!/bin/sh
# changepassword.sh - XEXEC "changepassword" module (docs/PROTOCOL.md §6.2).
# Configure as:
#   xexec = changepassword:/usr/local/dovecot/changepassword.sh [--passwd-file=/etc/dovecot/users] [--scheme=SHA512-CRYPT] [--min-length=8] %u
#
#   changepassword <new-password>  -> "Password changed"
#
# Replaces field 2 of the user's line(s) in a Dovecot passwd-file
# (user:{SCHEME}hash:uid:gid:gecos:home:shell:extra). The module needs write
# access to the file's directory (a temporary file there is renamed over the
# file, so a reader never sees half a file).
#
# The password never appears on any command line or in any environment:
# `doveadm pw` reads it from standard input when stdin is not a tty (Dovecot's
# askpass(): byte by byte up to LF or CR, twice, "new" and "retype"), and
# printf is a shell builtin. The hash goes to awk on standard input too.
# Neither is ever printed or logged.
set -eu
XEXEC_LIBDIR=$(readlink -f -- "$0") && XEXEC_LIBDIR=${XEXEC_LIBDIR%/*}/lib || exit 1
. "$XEXEC_LIBDIR/xexec-common.sh"

passwd_file=/etc/dovecot/users
scheme=SHA512-CRYPT
min_length=8

chpw_option() {
	case $1 in
	passwd-file) passwd_file=$2 ;;
	scheme) scheme=$2 ;;
	min-length) min_length=$2 ;;
	*) xexec_usage "Unknown module option --$1 (server configuration error)" ;;
	esac
}

xexec_take_options chpw_option "$@"
shift "$XEXEC_NOPT"
case $passwd_file in
/*) ;;
*) xexec_usage "--passwd-file must be an absolute path (server configuration error)" ;;
esac
case $scheme in
'' | *[!A-Za-z0-9._-]*) xexec_usage "--scheme is not a password scheme name (server configuration error)" ;;
esac
case $min_length in
'' | *[!0-9]* | 0*) xexec_usage "--min-length must be a positive number (server configuration error)" ;;
esac
[ "${#min_length}" -le 4 ] && [ "$min_length" -le 1024 ] ||
	xexec_usage "--min-length must be at most 1024 (server configuration error)"

[ $# -ge 1 ] || xexec_usage "Usage: changepassword.sh [--option=value ...] <user> <new-password>"
xexec_set_user "$1"
shift
[ $# -gt 0 ] || xexec_read_stdin_args
eval "set -- \"\$@\" $(xexec_env_arg_refs)"
[ $# -ge 1 ] || xexec_usage "Give the new password"
[ $# -eq 1 ] || xexec_usage "Give the new password as one argument"
pw=$1
shift
# Nothing this module starts needs the password in its environment.
unset XEXEC_ARG1 XEXEC_ARGC XEXEC_SARG1 XEXEC_SARGC

# Refusals (PROTOCOL.md §6.2), all before anything is touched.
xexec_has_ctl "$pw" && xexec_usage "The new password must not contain control characters"
[ "$(xexec_bytes "$pw")" -le 1024 ] || xexec_usage "The new password must be at most 1024 bytes long"
[ "$(xexec_chars "$pw")" -ge "$min_length" ] ||
	xexec_usage "The new password must be at least $min_length characters long"
if [ "$pw" = "$XUSER" ] || [ "$(xexec_lower "$pw")" = "$(xexec_lower "$XUSER")" ]; then
	xexec_usage "The new password must not be the same as the user name"
fi
case $XUSER in
*:* | *"$XEXEC_NL"*) xexec_fail "This account cannot be found in the password file" ;;
esac

# Resolve a symlink so that the rename replaces the real file.
pf=$(readlink -f -- "$passwd_file") && [ -f "$pf" ] ||
	xexec_fail "The password file could not be found (server configuration error)"
dir=${pf%/*}
dir=${dir:-/}

# Hash first (the slow part), outside the lock. -V makes doveadm check the
# hash against the password it read: some schemes fail on long input (with
# libxcrypt, SHA512-CRYPT yields "*0" for 512 bytes or more), and such a
# "hash" would lock the user out.
out=$(printf '%s\n%s\n' "$pw" "$pw" | doveadm pw -V -s "$scheme" -u "$XUSER") || out=''
hash=${out% (verified)}
case $out in
*" (verified)") ;;
*) hash='' ;;
esac
case $hash in
"{"?*"}"?*) ;;
*) hash='' ;;
esac
case $hash in
*:* | *[[:space:]]* | *[[:cntrl:]]*) hash='' ;;
esac
if [ -z "$hash" ]; then
	if [ "$(xexec_bytes "$pw")" -ge 512 ]; then
		xexec_usage "The new password is too long for this server's password scheme"
	fi
	xexec_fail "The new password could not be hashed; nothing was changed"
fi

# Lock the directory, which stays while the file is replaced by rename (a
# lock on the file itself would be on the old file after the first rename,
# and the next change could go ahead at once). No sibling lock file: a file
# like users.lock may mean something else to other tools.
command exec 8<"$dir" || xexec_fail "The password file's directory could not be opened"
flock -w "$XEXEC_LOCK_TIMEOUT" 8 ||
	xexec_fail "The password file is busy; please try again in a moment"

# A change that was killed (SIGKILL runs no trap) may have left its
# temporary copy, with every user's hash in it. Every change makes its copy
# only under this lock, so any copy found now is stale.
for t in "$dir/.${pf##*/}.xexec."*; do
	[ ! -e "$t" ] || rm -f -- "$t" ||
		xexec_fail "Could not remove an old temporary copy of the password file"
done

# Dovecot re-reads a passwd-file only when its mtime (whole seconds) or its
# size changed, and SHA512-CRYPT lines all have the same length. So the new
# file must get a later second than the file it replaces: wait (a moment at
# most) until the clock has left the current file's second.
past_mtime() {
	_w=0
	while [ "$(date +%s)" -le "$(stat -c %Y -- "$1")" ] && [ "$_w" -lt 30 ]; do
		sleep 0.1
		_w=$((_w + 1))
	done
}
past_mtime "$pf"

tmp=$(mktemp -- "$dir/.${pf##*/}.xexec.XXXXXX") ||
	xexec_fail "Could not write next to the password file (server configuration error)"
XEXEC_CLEAN=$tmp

# The user name reaches awk through the environment (awk -v would interpret
# backslashes); the hash through standard input. Dovecot looks a user up in
# a passwd-file with \, " and ' backslash-escaped, so that is how such a name
# is written there; the plain form is accepted too.
rc=0
printf '%s\n' "$hash" | XEXEC_PW_USER=$XUSER LC_ALL=C awk -F: -v OFS=: '
	BEGIN {
		u = ENVIRON["XEXEC_PW_USER"]
		for (i = 1; i <= length(u); i++) {
			c = substr(u, i, 1)
			if (c == "\\" || c == "\"" || c == "\047")
				e = e "\\"
			e = e c
		}
		getline h < "/dev/stdin"
	}
	$1 == u || $1 == e { $2 = h; n++ }
	{ print }
	END { exit n ? 0 : 10 }
' "$pf" >"$tmp" || rc=$?
hash='' out=''
case $rc in
0) ;;
10) xexec_fail "This account was not found in the password file" ;;
*) xexec_fail "The password file could not be rewritten; nothing was changed" ;;
esac

# Keep the original's mode and owner. As an ordinary user chown to another
# owner fails, but the group and mode must still match, or the auth process
# might no longer read the file.
chmod --reference="$pf" -- "$tmp" || xexec_fail "Could not set the password file's mode; nothing was changed"
chown --reference="$pf" -- "$tmp" 2>/dev/null || chgrp --reference="$pf" -- "$tmp" 2>/dev/null || :
[ "$(stat -c '%a %g' -- "$tmp")" = "$(stat -c '%a %g' -- "$pf")" ] ||
	xexec_fail "Could not keep the password file's group and mode; nothing was changed"
sync -- "$tmp" 2>/dev/null || :
mv -f -- "$tmp" "$pf" || xexec_fail "The password file could not be replaced; nothing was changed"
XEXEC_CLEAN=''
# Dovecot looks at a passwd-file at most once a second. Answering only once
# the clock has left the new file's second means any login after "Password
# changed" sees the new file (Thunderbird logs in again at once with the new
# password). The lock is held until then, so the next change, even killed
# ones, gets a later mtime.
past_mtime "$pf"
echo "Password changed"
