# xexec-password.sh - the changepassword module's common part: its
# configuration, the password policy, hashing, and the login checks through
# Dovecot. Sourced by changepassword.sh after xexec-common.sh.
#
# The password back end is a *driver*: lib/xexec-password-<name>.sh
# (passwd-file -> xexec-password-passwdfile.sh, sql, ldap), sourced here,
# defining with <id> = the name without dashes:
#
#   pw_<id>_option KEY VALUE  a key for the driver; returns 1 when unknown.
#   pw_<id>_check_config      after all keys: refuses an incomplete or invalid
#                             configuration with xexec_usage "... (server
#                             configuration error)".
#   pw_<id>_current           prints "required" or "optional": whether the
#                             driver itself needs the current password (it
#                             checks it itself then, say with a bind as the user).
#   pw_<id>_change            stores the new password. Inputs (shell variables):
#                             $XUSER (login), $pw (new password), $current_pw
#                             (empty when not given), $hash ({SCHEME}... from
#                             `doveadm pw -V`, verified), $pw_scheme,
#                             $pw_localpart and $pw_domain (of $XUSER; domain
#                             empty without "@"). On any failure: xexec_fail or
#                             xexec_usage with a sentence, the old password
#                             still in place.
#
# Passwords and hashes never go on a command line or into a child's
# environment: printf is a builtin and children read them on standard input.

PW_COMMON_KEYS=' driver scheme min-length current-password breached-list auth-socket dovecot-config '

pw_scheme=SHA512-CRYPT
pw_min_length=8
pw_current=optional
pw_breached=''
pw_auth_socket=''
pw_driver=passwd-file
pw_id=passwdfile
pw_config=''
# "key=value" lines of the --key=value words (the command line wins over the
# configuration file for the same key).
pw_argv_keys=''

# Handler for xexec_take_options: --config= is the configuration file, every
# other word a key applied after the file.
pw_argv_option() {
	case $1 in
	config) pw_config=$2 ;;
	*) pw_argv_keys="$pw_argv_keys$1=$2$XEXEC_NL" ;;
	esac
}

# pw_set KEY VALUE WHERE - a common key, or the driver's.
pw_set() {
	case $1 in
	driver) ;; # chosen before the driver was loaded (pw_configure)
	scheme) pw_scheme=$2 ;;
	min-length) pw_min_length=$2 ;;
	current-password) pw_current=$2 ;;
	breached-list) pw_breached=$2 ;;
	auth-socket) pw_auth_socket=$2 ;;
	dovecot-config)
		# --dovecot-config= (taken by xexec_take_options) wins, as every
		# word of the command line does.
		if [ -z "${CONFIG_FILE:-}" ]; then
			CONFIG_FILE=$2
			export CONFIG_FILE
		fi
		;;
	*)
		"pw_${pw_id}_option" "$1" "$2" ||
			xexec_usage "Unknown $3$1 (server configuration error)"
		;;
	esac
}

# pw_config_lines - the configuration file's "key=value" lines (comments and
# empty lines dropped, spaces around the key and the value trimmed); exits 3
# with the line number on a malformed line.
pw_config_lines() {
	LC_ALL=C awk '
		/^[ \t]*(#|$)/ { next }
		{
			eq = index($0, "=")
			k = substr($0, 1, eq - 1)
			v = substr($0, eq + 1)
			gsub(/^[ \t]+|[ \t]+$/, "", k)
			gsub(/^[ \t]+|[ \t]+$/, "", v)
			if (eq == 0 || k !~ /^[a-z][a-z0-9-]*$/) { print NR > "/dev/stderr"; exit 3 }
			print k "=" v
		}' "$1"
}

# pw_configure - reads --config= (when given), loads the driver, applies the
# file's keys and then the command line's, and checks the result.
pw_configure() {
	_lines=''
	if [ -n "$pw_config" ]; then
		case $pw_config in
		/*) ;;
		*) xexec_usage "--config must be an absolute path (server configuration error)" ;;
		esac
		[ -f "$pw_config" ] && [ -r "$pw_config" ] ||
			xexec_usage "The module's configuration file cannot be read (server configuration error)"
		# Only the administrator may write it: it says where passwords go.
		case $(stat -L -c %A -- "$pw_config") in
		?????w???? | ????????w?) xexec_usage "The module's configuration file must not be writable by group or others (server configuration error)" ;;
		esac
		_lines=$(pw_config_lines "$pw_config" 2>&1) ||
			xexec_usage "Line $_lines of the module's configuration file is not \"key = value\" (server configuration error)"
		_dup=$(printf '%s\n' "$_lines" | sed -n 's/=.*//p' | sort | uniq -d | head -n 1)
		[ -z "$_dup" ] || xexec_usage "The key $_dup is given twice in the module's configuration file (server configuration error)"
	fi
	# The driver first: its keys can only be read once it is loaded.
	_d=$(printf '%s' "$pw_argv_keys" | sed -n 's/^driver=//p')
	[ -n "$_d" ] || _d=$(printf '%s\n' "$_lines" | sed -n 's/^driver=//p')
	pw_driver=${_d:-passwd-file}
	case $pw_driver in
	'' | *[!a-z0-9-]*) xexec_usage "The driver name is not valid (server configuration error)" ;;
	esac
	pw_id=$(printf '%s' "$pw_driver" | tr -d -)
	[ -f "$XEXEC_LIBDIR/xexec-password-$pw_id.sh" ] ||
		xexec_usage "There is no password driver $pw_driver (server configuration error)"
	. "$XEXEC_LIBDIR/xexec-password-$pw_id.sh"
	# Keys given on the command line are skipped in the file.
	_skip=" $(printf '%s' "$pw_argv_keys" | sed 's/=.*//' | tr '\n' ' ') "
	if [ -n "$_lines" ]; then
		while IFS= read -r _l; do
			case $_skip in
			*" ${_l%%=*} "*) continue ;;
			esac
			pw_set "${_l%%=*}" "${_l#*=}" "key in the configuration file: "
		done <<EOF
$_lines
EOF
	fi
	if [ -n "$pw_argv_keys" ]; then
		while IFS= read -r _l; do
			[ -n "$_l" ] || continue
			pw_set "${_l%%=*}" "${_l#*=}" "module option --"
		done <<EOF
$pw_argv_keys
EOF
	fi
	pw_check_config
	"pw_${pw_id}_check_config"
	# Only Dovecot can check a current password for a driver that does not
	# bind with it itself.
	if [ "$pw_current" = required ] && [ -z "$pw_auth_socket" ] && [ "$("pw_${pw_id}_current")" = optional ]; then
		xexec_usage "current-password = required needs auth-socket (server configuration error)"
	fi
}

pw_check_config() {
	case $pw_scheme in
	'' | *[!A-Za-z0-9._-]*) xexec_usage "--scheme is not a password scheme name (server configuration error)" ;;
	esac
	case $pw_min_length in
	'' | *[!0-9]* | 0*) xexec_usage "--min-length must be a positive number (server configuration error)" ;;
	esac
	[ "${#pw_min_length}" -le 4 ] && [ "$pw_min_length" -le 1024 ] ||
		xexec_usage "--min-length must be at most 1024 (server configuration error)"
	case $pw_current in
	required | optional) ;;
	*) xexec_usage "current-password must be required or optional (server configuration error)" ;;
	esac
	case $pw_auth_socket in
	'' | /*) ;;
	*) xexec_usage "auth-socket must be an absolute path (server configuration error)" ;;
	esac
	case $pw_breached in
	'') ;;
	/*) [ -r "$pw_breached" ] ||
		xexec_usage "The list of breached passwords cannot be read (server configuration error)" ;;
	*) xexec_usage "breached-list must be an absolute path (server configuration error)" ;;
	esac
}

# pw_needs_current - "required" or "optional": the administrator's setting
# combined with what the driver needs.
pw_needs_current() {
	_c=$("pw_${pw_id}_current")
	[ "$pw_current" = optional ] && [ "$_c" = optional ] && echo optional || echo required
}

# pw_describe - the zero-argument form (PROTOCOL.md §6.2).
pw_describe() {
	printf 'current-password %s\nmin-length %s\n' "$(pw_needs_current)" "$pw_min_length"
}

# pw_policy - the refusals of PROTOCOL.md §6.2 that need no back end, in
# order, all exit 2. Sets pw_localpart and pw_domain.
pw_policy() {
	xexec_has_ctl "$pw" && xexec_usage "The new password must not contain control characters"
	[ "$(xexec_bytes "$pw")" -le 1024 ] || xexec_usage "The new password must be at most 1024 bytes long"
	[ "$(xexec_chars "$pw")" -ge "$pw_min_length" ] ||
		xexec_usage "The new password must be at least $pw_min_length characters long"
	pw_localpart=${XUSER%@*}
	pw_domain=''
	[ "$pw_localpart" = "$XUSER" ] || pw_domain=${XUSER##*@}
	_lpw=$(xexec_lower "$pw")
	if [ "$_lpw" = "$(xexec_lower "$XUSER")" ]; then
		xexec_usage "The new password must not be the same as the user name"
	fi
	if [ -n "$pw_domain" ] && [ "$_lpw" = "$(xexec_lower "$pw_localpart")" ]; then
		xexec_usage "The new password must not be the same as the user name"
	fi
	if [ -n "$pw_breached" ] && pw_is_breached; then
		xexec_usage "The new password is in a list of passwords known from data breaches; please choose another one"
	fi
	return 0
}

# pw_is_breached - true when the SHA-1 of $pw is in the breached list: either
# a folder of files named by the hash's first 5 hex digits (ABCDE or
# ABCDE.txt) holding "SUFFIX[:count]" lines, as Have I Been Pwned's range
# API and its downloader give them, or one file of "HASH[:count]" lines. Hex
# in either case. The hash goes to awk on standard input, never on a command
# line (only the 5-digit prefix names a file, as in the range API).
pw_is_breached() {
	_h=$(printf '%s' "$pw" | sha1sum | tr 'a-f' 'A-F') || xexec_fail "The password could not be checked; nothing was changed"
	_h=${_h%% *}
	[ "${#_h}" -eq 40 ] || xexec_fail "The password could not be checked; nothing was changed"
	if [ -d "$pw_breached" ]; then
		_p=$(printf '%s' "$_h" | cut -c1-5)
		_f=$pw_breached/$_p
		[ -f "$_f" ] || _f=$pw_breached/$_p.txt
		[ -f "$_f" ] || _f=$(find "$pw_breached" -maxdepth 1 -type f -iname "$_p.txt" -o -maxdepth 1 -type f -iname "$_p" | head -n 1)
		[ -n "$_f" ] && [ -f "$_f" ] || return 1
		_h=$(printf '%s' "$_h" | cut -c6-)
	else
		_f=$pw_breached
	fi
	_rc=0
	printf '%s\n' "$_h" | LC_ALL=C awk '
		BEGIN { getline h < "/dev/stdin" }
		{ sub(/\r$/, ""); k = toupper($0); sub(/:.*/, "", k); if (k == h) exit 10 }' "$_f" || _rc=$?
	_h=''
	case $_rc in
	0) return 1 ;;
	10) return 0 ;;
	*) xexec_fail "The list of breached passwords could not be read (server configuration error)" ;;
	esac
}

# pw_hash - sets $hash to the verified {SCHEME}... of $pw. -V makes doveadm
# check the hash against the password it read: some schemes fail on long
# input (with libxcrypt, SHA512-CRYPT yields "*0" for 512 bytes or more), and
# such a "hash" would lock the user out.
pw_hash() {
	_out=$(printf '%s\n%s\n' "$pw" "$pw" | doveadm pw -V -s "$pw_scheme" -u "$XUSER") || _out=''
	hash=${_out% (verified)}
	case $_out in
	*" (verified)") ;;
	*) hash='' ;;
	esac
	_out=''
	case $hash in
	"{"?*"}"?*) ;;
	*) hash='' ;;
	esac
	case $hash in
	*[[:space:]]* | *[[:cntrl:]]*) hash='' ;;
	esac
	if [ -z "$hash" ]; then
		if [ "$(xexec_bytes "$pw")" -ge 512 ]; then
			xexec_usage "The new password is too long for this server's password scheme"
		fi
		xexec_fail "The new password could not be hashed; nothing was changed"
	fi
}

# pw_auth_test PASSWORD - logs in as $XUSER through Dovecot's auth socket
# (`doveadm auth test`, the password on standard input: askpass reads it
# from there when it is not a terminal). 0: accepted; 1: refused; exits 1
# when Dovecot cannot be asked.
pw_auth_test() {
	# The client's address, as for its IMAP login: Dovecot's failure
	# penalty then counts per client, not for every user of the module at
	# once (without it, one user's wrong password delays the others' checks).
	set -- "$1"
	case ${XEXEC_REMOTE_IP:-} in
	'' | *[!0-9A-Fa-f:.]*) ;;
	*) set -- "$1" -x "rip=$XEXEC_REMOTE_IP" ;;
	esac
	case ${XEXEC_LOCAL_IP:-} in
	'' | *[!0-9A-Fa-f:.]*) ;;
	*) set -- "$@" -x "lip=$XEXEC_LOCAL_IP" ;;
	esac
	_rc=0
	_out=$(printf '%s\n' "$1" | { shift; doveadm auth test -a "$pw_auth_socket" -x service=imap "$@" "$XUSER"; } 2>&1) || _rc=$?
	set --
	case $_rc in
	0) return 0 ;;
	77) return 1 ;; # EX_NOPERM: "auth failed"
	esac
	xexec_fail "The server's login service could not be asked (server configuration error)"
}

# pw_check_current - a given current password must be right (exit 2 when
# not), checked by Dovecot itself, so with every driver and scheme. Without
# auth-socket only a driver that needs the current password (and checks it
# itself) can take it.
pw_check_current() {
	# The login check after the change needs the socket: a missing one must
	# stop the change before it happens.
	if [ -n "$pw_auth_socket" ] && ! [ -S "$pw_auth_socket" ]; then
		xexec_fail "The server's login service could not be asked (server configuration error)"
	fi
	[ -n "$current_pw" ] || return 0
	if [ -n "$pw_auth_socket" ]; then
		pw_auth_test "$current_pw" || xexec_usage "The current password is not correct"
		return 0
	fi
	[ "$("pw_${pw_id}_current")" = required ] ||
		xexec_fail "This server cannot check the current password: auth-socket is not set (server configuration error)"
}

# pw_check_new - after the change: a login with the new password must work
# (a few tries, in case the back end needs a moment).
pw_check_new() {
	[ -n "$pw_auth_socket" ] || return 0
	_i=0
	while [ "$_i" -lt 3 ]; do
		pw_auth_test "$pw" && return 0
		_i=$((_i + 1))
		sleep 1
	done
	xexec_fail "The new password was stored, but the server does not accept it yet; please ask the administrator (server configuration error)"
}
