# xexec-password-ldap.sh - the `ldap` driver of changepassword.sh (docs/SERVER.md,
# "Password back ends"): OpenLDAP's Password Modify extended operation (RFC 3062) through
# `ldappasswd`, bound either as the user (with the current password) or as an administrator DN.
#
# Sourced by changepassword.sh, which calls pw_ldap_option for each configuration key it does
# not know, then pw_ldap_check_config, pw_ldap_current and pw_ldap_change.
#
# Secrets never reach argv, the environment or a file on disk: each one goes to the LDAP tool
# through a pipe that the tool opens as /dev/fd/N (-y: bind password, -T: new password; both
# read the whole stream, byte for byte, so printf '%s' without a line feed). printf is a shell
# builtin. The administrator's secret is the file the configuration names.
#
# The user name only ever reaches the directory hex-escaped (\XX for every byte but
# [A-Za-z0-9._@-]): that is valid in a DN (RFC 4514) and in a filter (RFC 4515), so a login like
# "x,ou=admins" or "*)(uid=*" is one attribute value and can never name or match another entry.
#
# The exop hands slapd the new password in clear and slapd hashes it with its own
# olcPasswordHash (password-hash); a value given as "{SSHA}..." would be hashed again and become
# the password. So the `scheme` of the configuration does not apply here (SERVER.md).

ldap_uri=''
ldap_bind=user
ldap_user_dn=''
ldap_search_base=''
ldap_search_filter=''
ldap_admin_dn=''
ldap_admin_secret_file=''
ldap_starttls=no
ldap_tls_cacert=''

pw_ldap_option() {
	case $1 in
	ldap-uri) ldap_uri=$2 ;;
	ldap-bind) ldap_bind=$2 ;;
	ldap-user-dn) ldap_user_dn=$2 ;;
	ldap-search-base) ldap_search_base=$2 ;;
	ldap-search-filter) ldap_search_filter=$2 ;;
	ldap-admin-dn) ldap_admin_dn=$2 ;;
	ldap-admin-secret-file) ldap_admin_secret_file=$2 ;;
	ldap-starttls) ldap_starttls=$2 ;;
	ldap-tls-cacert) ldap_tls_cacert=$2 ;;
	*) return 1 ;;
	esac
}

pw_ldap_conf_error() {
	xexec_usage "$1 (server configuration error)"
}

# pw_ldap_check_template NAME VALUE: only %u, %n, %d and %% are known.
pw_ldap_check_template() {
	_rest=$2
	while :; do
		case $_rest in
		*%*) _rest=${_rest#*%} ;;
		*) return 0 ;;
		esac
		case $_rest in
		[und%]*) _rest=${_rest#?} ;;
		*) pw_ldap_conf_error "$1 may only use %u, %n, %d and %%" ;;
		esac
	done
}

pw_ldap_check_config() {
	case $ldap_uri in
	ldap://?* | ldaps://?* | ldapi://?*) ;;
	'') pw_ldap_conf_error "ldap-uri is not set" ;;
	*) pw_ldap_conf_error "ldap-uri must be one ldap://, ldaps:// or ldapi:// URI" ;;
	esac
	case $ldap_uri in
	*[[:space:]]* | *[[:cntrl:]]*) pw_ldap_conf_error "ldap-uri must be one ldap://, ldaps:// or ldapi:// URI" ;;
	esac
	case $ldap_bind in
	user | admin) ;;
	*) pw_ldap_conf_error "ldap-bind must be user or admin" ;;
	esac
	case $ldap_starttls in
	yes | no) ;;
	*) pw_ldap_conf_error "ldap-starttls must be yes or no" ;;
	esac
	case $ldap_tls_cacert in
	'') ;;
	/*) [ -r "$ldap_tls_cacert" ] || pw_ldap_conf_error "ldap-tls-cacert cannot be read by the module" ;;
	*) pw_ldap_conf_error "ldap-tls-cacert must be an absolute path" ;;
	esac
	# Where the user's entry is: a DN template, or a search (base and filter).
	if [ -n "$ldap_user_dn" ]; then
		[ -z "$ldap_search_base$ldap_search_filter" ] ||
			pw_ldap_conf_error "Give either ldap-user-dn or ldap-search-base with ldap-search-filter, not both"
		case $ldap_user_dn in
		*%[un]*) ;;
		*) pw_ldap_conf_error "ldap-user-dn must contain %u or %n" ;;
		esac
		case $ldap_user_dn in
		-* | *[[:cntrl:]]*) pw_ldap_conf_error "ldap-user-dn is not a DN template" ;;
		esac
		pw_ldap_check_template ldap-user-dn "$ldap_user_dn"
	else
		[ -n "$ldap_search_base" ] && [ -n "$ldap_search_filter" ] ||
			pw_ldap_conf_error "Give ldap-user-dn, or ldap-search-base with ldap-search-filter"
		case $ldap_search_filter in
		'('*')') ;;
		*) pw_ldap_conf_error "ldap-search-filter must be an LDAP filter in parentheses" ;;
		esac
		case $ldap_search_filter in
		*%[un]*) ;;
		*) pw_ldap_conf_error "ldap-search-filter must contain %u or %n" ;;
		esac
		case $ldap_search_base$ldap_search_filter in
		-* | *[[:cntrl:]]*) pw_ldap_conf_error "ldap-search-base or ldap-search-filter is not valid" ;;
		esac
		pw_ldap_check_template ldap-search-filter "$ldap_search_filter"
	fi
	# The administrator DN: needed for the admin bind, optional for a search in user mode.
	if [ "$ldap_bind" = admin ] || [ -n "$ldap_admin_dn$ldap_admin_secret_file" ]; then
		[ -n "$ldap_admin_dn" ] || pw_ldap_conf_error "ldap-admin-dn is not set"
		case $ldap_admin_dn in
		-* | *[[:cntrl:]]*) pw_ldap_conf_error "ldap-admin-dn is not a DN" ;;
		esac
		case $ldap_admin_secret_file in
		/*) ;;
		*) pw_ldap_conf_error "ldap-admin-secret-file must be an absolute path" ;;
		esac
		[ -f "$ldap_admin_secret_file" ] && [ -r "$ldap_admin_secret_file" ] ||
			pw_ldap_conf_error "ldap-admin-secret-file cannot be read by the module"
		# Readable by the mail uid (its group) but by nobody else: the users' own modules
		# run as that uid too, so "others" would be every local account.
		case $(stat -L -c %a -- "$ldap_admin_secret_file") in
		*0) ;;
		*) pw_ldap_conf_error "ldap-admin-secret-file must not be readable by other users (mode 0640 or stricter)" ;;
		esac
	fi
	command -v ldappasswd >/dev/null 2>&1 && command -v ldapwhoami >/dev/null 2>&1 ||
		pw_ldap_conf_error "ldappasswd is not installed (Debian: ldap-utils)"
}

pw_ldap_current() {
	if [ "$ldap_bind" = user ]; then echo required; else echo optional; fi
}

# pw_ldap_hex VALUE: every byte but [A-Za-z0-9._@-] as \XX. The value reaches awk through the
# environment (awk -v would interpret backslashes).
pw_ldap_hex() {
	XEXEC_LDAP_VALUE=$1 LC_ALL=C awk 'BEGIN {
		for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i
		v = ENVIRON["XEXEC_LDAP_VALUE"]
		for (i = 1; i <= length(v); i++) {
			c = substr(v, i, 1)
			if (c ~ /[A-Za-z0-9._@-]/) out = out c
			else out = out sprintf("\\%02X", ord[c])
		}
		printf "%s", out
	}'
}

# pw_ldap_expand TEMPLATE: %u the user, %n its local part, %d its domain (the common part's
# pw_localpart and pw_domain), each hex-escaped.
pw_ldap_expand() {
	_t=$1
	_out=''
	while :; do
		case $_t in
		*%*)
			_out=$_out${_t%%\%*}
			_t=${_t#*%}
			;;
		*)
			printf '%s' "$_out$_t"
			return 0
			;;
		esac
		case $_t in
		u*) _out=$_out$(pw_ldap_hex "$XUSER") ;;
		n*) _out=$_out$(pw_ldap_hex "$pw_localpart") ;;
		d*) _out=$_out$(pw_ldap_hex "$pw_domain") ;;
		%*) _out=$_out% ;;
		esac
		_t=${_t#?}
	done
}

# pw_ldap_tool PROGRAM ARGS...: an LDAP tool with the common options. It runs in / with a
# HOME that does not exist, so no ldaprc of the user's home or working directory applies
# (/etc/ldap/ldap.conf, the administrator's, still does: its TLS_CACERT unless
# ldap-tls-cacert names another).
pw_ldap_tool() {
	_prog=$1
	shift
	if [ "$ldap_starttls" = yes ]; then
		set -- -ZZ "$@"
	fi
	(
		cd / || exit 255
		HOME=/nonexistent LDAPRC=/nonexistent
		export HOME LDAPRC
		if [ -n "$ldap_tls_cacert" ]; then
			LDAPTLS_CACERT=$ldap_tls_cacert
			export LDAPTLS_CACERT
		fi
		exec "$_prog" -x -H "$ldap_uri" -o nettimeout=10 "$@"
	)
}

# The tool's exit status: the LDAP result code (49 invalidCredentials, 50 insufficientAccess,
# 19 constraintViolation, 32 noSuchObject), 255 when the server could not be reached, 254 when
# StartTLS failed (pw_ldap_result).
pw_ldap_failed() {
	case $1 in
	254) xexec_fail "The directory server could not be reached securely (StartTLS or TLS failed); nothing was changed" ;;
	255) xexec_fail "The directory server could not be reached; nothing was changed" ;;
	esac
}

# pw_ldap_result: makes $_rc, a tool's exit status, the LDAP result code from its output $_err.
# The tools exit with the bind's result code when the bind fails, but ldappasswd exits 1 when
# the operation itself fails; its "Result: <text> (<code>)" line then has the code. A failed
# StartTLS is exit 1 too ("ldap_start_tls: ..."): 254 here. The output holds no secret: they are
# read from pipes, never echoed (with -T the server generates none to print).
pw_ldap_result() {
	[ "$_rc" -eq 1 ] || return 0
	case $_err in
	*ldap_start_tls*)
		_rc=254
		return 0
		;;
	esac
	_code=$(printf '%s\n' "$_err" | sed -n 's/^Result: .*(\([0-9][0-9]*\))$/\1/p' | head -n 1)
	[ -z "$_code" ] || _rc=$_code
}

# Sets ldap_dn to the user's entry.
pw_ldap_find_dn() {
	case $XUSER in
	*[[:cntrl:]]*) xexec_fail "This account was not found in the directory" ;;
	esac
	if [ -n "$ldap_user_dn" ]; then
		ldap_dn=$(pw_ldap_expand "$ldap_user_dn")
		return 0
	fi
	_filter=$(pw_ldap_expand "$ldap_search_filter")
	_rc=0
	if [ -n "$ldap_admin_dn" ]; then
		_found=$(pw_ldap_tool ldapsearch -D "$ldap_admin_dn" -y "$ldap_admin_secret_file" -LLL -o ldif-wrap=no \
			-z 2 -s sub -b "$ldap_search_base" -- "$_filter" 1.1 2>&1) || _rc=$?
	else
		_found=$(pw_ldap_tool ldapsearch -LLL -o ldif-wrap=no -z 2 -s sub -b "$ldap_search_base" -- "$_filter" 1.1 \
			2>&1) || _rc=$?
	fi
	_err=$_found
	pw_ldap_result
	case $_rc in
	0 | 32) ;;
	4) xexec_fail "This account matches more than one directory entry (server configuration error)" ;;
	49) pw_ldap_conf_error "The directory refused ldap-admin-dn's secret" ;;
	*)
		pw_ldap_failed "$_rc"
		xexec_fail "The directory search for this account failed; nothing was changed"
		;;
	esac
	_n=$(printf '%s\n' "$_found" | grep -c '^dn::\{0,1\} ') || :
	[ "$_n" -ge 1 ] || xexec_fail "This account was not found in the directory"
	[ "$_n" -eq 1 ] || xexec_fail "This account matches more than one directory entry (server configuration error)"
	_line=$(printf '%s\n' "$_found" | grep '^dn::\{0,1\} ')
	case $_line in
	'dn:: '*) ldap_dn=$(printf '%s\n' "${_line#dn:: }" | base64 -d 2>/dev/null) || ldap_dn='' ;;
	*) ldap_dn=${_line#dn: } ;;
	esac
	case $ldap_dn in
	'' | -* | *[[:cntrl:]]*) xexec_fail "The directory gave an entry name this module cannot use" ;;
	esac
}

# pw_ldap_user_bind_ok PASSWORD: 0 when the user's DN binds with it, 1 when the directory says
# invalid credentials; anything else fails the module.
pw_ldap_user_bind_ok() {
	_rc=0
	_err=$(printf '%s' "$1" | pw_ldap_tool ldapwhoami -D "$ldap_dn" -y /dev/fd/0 2>&1) || _rc=$?
	pw_ldap_result
	case $_rc in
	0) return 0 ;;
	49) return 1 ;;
	esac
	pw_ldap_failed "$_rc"
	xexec_fail "The directory could not check the password; nothing was changed"
}

pw_ldap_change() {
	pw_ldap_find_dn
	_rc=0
	if [ "$ldap_bind" = user ]; then
		[ -n "$current_pw" ] || xexec_usage "Give your current password too"
		# Outer pipe: the new password, on fd 3; inner pipe: the current one (the bind's).
		_err=$(printf '%s' "$pw" | {
			printf '%s' "$current_pw" |
				pw_ldap_tool ldappasswd -D "$ldap_dn" -y /dev/fd/0 -T /dev/fd/3 -- "$ldap_dn" 2>&1
		} 3<&0) || _rc=$?
		pw_ldap_result
		case $_rc in
		0) ;;
		49) xexec_usage "The current password is not correct" ;;
		esac
	else
		# Dovecot has checked a given current password already (auth-socket); the directory's
		# own answer for the DN about to change is what counts.
		if [ -n "$current_pw" ] && ! pw_ldap_user_bind_ok "$current_pw"; then
			xexec_usage "The current password is not correct"
		fi
		_err=$(printf '%s' "$pw" |
			pw_ldap_tool ldappasswd -D "$ldap_admin_dn" -y "$ldap_admin_secret_file" -T /dev/fd/0 -- "$ldap_dn" \
				2>&1) || _rc=$?
		pw_ldap_result
		case $_rc in
		0) ;;
		49) pw_ldap_conf_error "The directory refused ldap-admin-dn's secret; nothing was changed" ;;
		esac
	fi
	case $_rc in
	0) ;;
	19) xexec_usage "The directory's password policy refused the new password" ;;
	32 | 34) xexec_fail "This account was not found in the directory" ;;
	50) pw_ldap_conf_error "The directory does not allow this password change" ;;
	*)
		pw_ldap_failed "$_rc"
		xexec_fail "The directory refused the password change; nothing was changed"
		;;
	esac
	# "Password changed" only once a bind with the new password works.
	pw_ldap_user_bind_ok "$pw" ||
		xexec_fail "The directory took the new password, but a login with it failed (server configuration error)"
}
