# xexec-password-passwdfile.sh - changepassword driver "passwd-file": replaces
# field 2 of the user's line(s) in a Dovecot passwd-file
# (user:{SCHEME}hash:uid:gid:gecos:home:shell:extra). Sourced by
# xexec-password.sh (the driver interface is described there).
#
# Key: passwd-file = PATH (default /etc/dovecot/users).
#
# The module needs write access to the file's directory: a temporary file
# there is renamed over the file, so a reader never sees half a file.

pw_passwdfile_path=/etc/dovecot/users

pw_passwdfile_option() {
	case $1 in
	passwd-file) pw_passwdfile_path=$2 ;;
	*) return 1 ;;
	esac
}

pw_passwdfile_check_config() {
	case $pw_passwdfile_path in
	/*) ;;
	*) xexec_usage "--passwd-file must be an absolute path (server configuration error)" ;;
	esac
}

pw_passwdfile_current() {
	echo optional
}

# Dovecot re-reads a passwd-file only when its mtime (whole seconds) or its
# size changed, and SHA512-CRYPT lines all have the same length. So the new
# file must get a later second than the file it replaces: wait (a moment at
# most) until the clock has left the current file's second.
pw_passwdfile_past_mtime() {
	_w=0
	while [ "$(date +%s)" -le "$(stat -c %Y -- "$1")" ] && [ "$_w" -lt 30 ]; do
		sleep 0.1
		_w=$((_w + 1))
	done
}

pw_passwdfile_change() {
	case $XUSER in
	*:* | *"$XEXEC_NL"*) xexec_fail "This account cannot be found in the password file" ;;
	esac
	case $hash in
	*:*) xexec_fail "The new password could not be hashed; nothing was changed" ;;
	esac
	# Resolve a symlink so that the rename replaces the real file.
	_pf=$(readlink -f -- "$pw_passwdfile_path") && [ -f "$_pf" ] ||
		xexec_fail "The password file could not be found (server configuration error)"
	_dir=${_pf%/*}
	_dir=${_dir:-/}

	# Lock the directory, which stays while the file is replaced by rename
	# (a lock on the file itself would be on the old file after the first
	# rename, and the next change could go ahead at once). No sibling lock
	# file: a file like users.lock may mean something else to other tools.
	command exec 8<"$_dir" || xexec_fail "The password file's directory could not be opened"
	flock -w "$XEXEC_LOCK_TIMEOUT" 8 ||
		xexec_fail "The password file is busy; please try again in a moment"

	# A change that was killed (SIGKILL runs no trap) may have left its
	# temporary copy, with every user's hash in it. Every change makes its
	# copy only under this lock, so any copy found now is stale.
	for _t in "$_dir/.${_pf##*/}.xexec."*; do
		[ ! -e "$_t" ] || rm -f -- "$_t" ||
			xexec_fail "Could not remove an old temporary copy of the password file"
	done
	pw_passwdfile_past_mtime "$_pf"

	_tmp=$(mktemp -- "$_dir/.${_pf##*/}.xexec.XXXXXX") ||
		xexec_fail "Could not write next to the password file (server configuration error)"
	XEXEC_CLEAN=$_tmp

	# The user name reaches awk through the environment (awk -v would
	# interpret backslashes); the hash through standard input. Dovecot looks
	# a user up in a passwd-file with \, " and ' backslash-escaped, so that
	# is how such a name is written there; the plain form is accepted too.
	_rc=0
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
	' "$_pf" >"$_tmp" || _rc=$?
	case $_rc in
	0) ;;
	10) xexec_fail "This account was not found in the password file" ;;
	*) xexec_fail "The password file could not be rewritten; nothing was changed" ;;
	esac

	# Keep the original's mode and owner. As an ordinary user chown to
	# another owner fails, but the group and mode must still match, or the
	# auth process might no longer read the file.
	chmod --reference="$_pf" -- "$_tmp" || xexec_fail "Could not set the password file's mode; nothing was changed"
	chown --reference="$_pf" -- "$_tmp" 2>/dev/null || chgrp --reference="$_pf" -- "$_tmp" 2>/dev/null || :
	[ "$(stat -c '%a %g' -- "$_tmp")" = "$(stat -c '%a %g' -- "$_pf")" ] ||
		xexec_fail "Could not keep the password file's group and mode; nothing was changed"
	sync -- "$_tmp" 2>/dev/null || :
	mv -f -- "$_tmp" "$_pf" || xexec_fail "The password file could not be replaced; nothing was changed"
	XEXEC_CLEAN=''
	# Dovecot looks at a passwd-file at most once a second. Answering only
	# once the clock has left the new file's second means any login after
	# "Password changed" sees the new file (Thunderbird logs in again at once
	# with the new password). The lock is held until then, so the next
	# change, even killed ones, gets a later mtime.
	pw_passwdfile_past_mtime "$_pf"
}
