# xexec-password-sql.sh - changepassword driver "sql": runs the administrator's
# UPDATE with the PostgreSQL or MariaDB command-line client. Sourced by
# xexec-password.sh (the driver interface is described there).
#
# Keys:
#   sql-client = psql | mariadb
#   sql-update = UPDATE users SET password = :'hash' WHERE username = :'user'
#       placeholders :'user', :'localpart', :'domain', :'hash', :'hash_bare'
#       (the hash without its {SCHEME} prefix), :'scheme'
#   sql-host, sql-port, sql-database, sql-user   (the client's defaults when missing;
#       a sql-host starting with / is the server's socket folder (psql) or socket (mariadb))
#   sql-password-file = /path   psql: a passfile ("host:port:db:user:password");
#       mariadb: an option file ("[client]" and "password = ...")
#
# The values never become SQL text: psql gets each one as a hex literal,
# decodes it into a psql variable (\gset) and quotes it itself (:'var', that
# is PQescapeLiteral); MariaDB gets user variables set from hex literals
# (@xexec_user ...), which the template's :'name' are rewritten to. The
# script goes to the client on standard input; nothing of the values is on
# its argv or in its environment. The UPDATE runs in a transaction that is
# committed only when it changed exactly one row.

pw_sql_client=''
pw_sql_update=''
pw_sql_host=''
pw_sql_port=''
pw_sql_database=''
pw_sql_user=''
pw_sql_password_file=''
pw_sql_names='user localpart domain hash hash_bare scheme'

pw_sql_option() {
	case $1 in
	sql-client) pw_sql_client=$2 ;;
	sql-update) pw_sql_update=$2 ;;
	sql-host) pw_sql_host=$2 ;;
	sql-port) pw_sql_port=$2 ;;
	sql-database) pw_sql_database=$2 ;;
	sql-user) pw_sql_user=$2 ;;
	sql-password-file) pw_sql_password_file=$2 ;;
	*) return 1 ;;
	esac
}

pw_sql_check_config() {
	case $pw_sql_client in
	psql | mariadb) ;;
	*) xexec_usage "sql-client must be psql or mariadb (server configuration error)" ;;
	esac
	command -v "$pw_sql_client" >/dev/null 2>&1 ||
		xexec_usage "The SQL client $pw_sql_client is not installed (server configuration error)"
	case $pw_sql_update in
	'') xexec_usage "sql-update is missing (server configuration error)" ;;
	*"$XEXEC_NL"* | *[[:cntrl:]]*) xexec_usage "sql-update must be one line (server configuration error)" ;;
	esac
	# Only the quoted form: psql puts :name in verbatim, so a user name
	# would become SQL text.
	for _n in $pw_sql_names; do
		case $pw_sql_update in
		*":$_n"* | *":\"$_n\""*) xexec_usage "sql-update must write the placeholder :$_n as :'$_n' (server configuration error)" ;;
		esac
	done
	case $pw_sql_update in
	*":'hash'"* | *":'hash_bare'"*) ;;
	*) xexec_usage "sql-update must store :'hash' or :'hash_bare' (server configuration error)" ;;
	esac
	case $pw_sql_update in
	*":'user'"* | *":'localpart'"*) ;;
	*) xexec_usage "sql-update must select the account with :'user' or :'localpart' (server configuration error)" ;;
	esac
	for _v in "$pw_sql_host" "$pw_sql_database" "$pw_sql_user"; do
		case $_v in
		*[!A-Za-z0-9._/@-]* | -*) xexec_usage "sql-host, sql-database and sql-user may only hold letters, digits and . _ / @ - (server configuration error)" ;;
		esac
	done
	case $pw_sql_port in
	'' | [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9]) ;;
	*) xexec_usage "sql-port must be a port number (server configuration error)" ;;
	esac
	case $pw_sql_password_file in
	'') ;;
	/*) [ -r "$pw_sql_password_file" ] ||
		xexec_usage "The SQL password file cannot be read (server configuration error)" ;;
	*) xexec_usage "sql-password-file must be an absolute path (server configuration error)" ;;
	esac
}

pw_sql_current() {
	echo optional
}

# pw_sql_hex VALUE - the bytes of VALUE as lower-case hex (through a pipe).
pw_sql_hex() {
	printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}

# pw_sql_value NAME - the placeholder's value.
pw_sql_value() {
	case $1 in
	user) printf '%s' "$XUSER" ;;
	localpart) printf '%s' "$pw_localpart" ;;
	domain) printf '%s' "$pw_domain" ;;
	hash) printf '%s' "$hash" ;;
	hash_bare) printf '%s' "${hash#\{*\}}" ;;
	scheme) printf '%s' "$pw_scheme" ;;
	esac
}

# pw_sql_script - the client's input: the values, the update, the check.
pw_sql_script() {
	_q=${pw_sql_update%"${pw_sql_update##*[!;[:space:]]}"}
	if [ "$pw_sql_client" = psql ]; then
		printf '%s\n' '\set ON_ERROR_STOP on' 'BEGIN;'
		printf 'SELECT'
		_sep=' '
		for _n in $pw_sql_names; do
			printf "%sconvert_from(decode('%s', 'hex'), 'UTF8') AS \"%s\"" "$_sep" "$(pw_sql_hex "$(pw_sql_value "$_n")")" "$_n"
			_sep=', '
		done
		printf ' \\gset\n%s;\n' "$_q"
		printf '%s\n' '\set xexec_rows :ROW_COUNT' \
			"SELECT CASE WHEN :xexec_rows = 1 THEN 'on' ELSE 'off' END AS xexec_one \\gset" \
			'\if :xexec_one' 'COMMIT;' '\echo xexec-changed' '\else' 'ROLLBACK;' '\echo xexec-rows :xexec_rows' '\endif'
		return 0
	fi
	for _n in $pw_sql_names; do
		printf "SET @xexec_%s = CONVERT(X'%s' USING utf8mb4);\n" "$_n" "$(pw_sql_hex "$(pw_sql_value "$_n")")"
		_q=$(printf '%s' "$_q" | sed "s/:'$_n'/@xexec_$_n/g")
	done
	# An anonymous block (MariaDB 10.1+): commit only when exactly one row
	# changed. ROW_COUNT() counts changed rows: an equal hash (PLAIN and the
	# same password) counts as not found.
	printf '%s\n' 'DELIMITER //' 'BEGIN NOT ATOMIC' 'DECLARE n BIGINT DEFAULT 0;' 'START TRANSACTION;' \
		"$_q;" 'SET n = ROW_COUNT();' \
		"IF n = 1 THEN COMMIT; SELECT 'xexec-changed'; ELSE ROLLBACK; SELECT CONCAT('xexec-rows ', n); END IF;" \
		'END//' 'DELIMITER ;'
}

pw_sql_change() {
	case $XUSER$hash in
	*[[:cntrl:]]*) xexec_fail "This account was not found in the user database" ;;
	esac
	xexec_is_utf8 "$XUSER" || xexec_fail "This account was not found in the user database"
	# No file in the user's home is read (~/.psqlrc, ~/.pgpass, ~/.my.cnf):
	# -X, PGPASSFILE, --defaults-file / --no-defaults.
	_rc=0
	if [ "$pw_sql_client" = psql ]; then
		set -- -X -q -A -t -w
		[ -z "$pw_sql_host" ] || set -- "$@" -h "$pw_sql_host"
		[ -z "$pw_sql_port" ] || set -- "$@" -p "$pw_sql_port"
		[ -z "$pw_sql_user" ] || set -- "$@" -U "$pw_sql_user"
		[ -z "$pw_sql_database" ] || set -- "$@" -d "$pw_sql_database"
		_out=$(pw_sql_script | PGPASSFILE=${pw_sql_password_file:-/dev/null} PGCONNECT_TIMEOUT=10 \
			psql "$@" 2>&1) || _rc=$?
	else
		if [ -n "$pw_sql_password_file" ]; then
			set -- "--defaults-file=$pw_sql_password_file"
		else
			set -- --no-defaults
		fi
		set -- "$@" --batch --skip-column-names --connect-timeout=10
		case $pw_sql_host in
		'') ;;
		/*) set -- "$@" "--socket=$pw_sql_host" ;;
		*) set -- "$@" "--host=$pw_sql_host" ;;
		esac
		[ -z "$pw_sql_port" ] || set -- "$@" "--port=$pw_sql_port"
		[ -z "$pw_sql_user" ] || set -- "$@" "--user=$pw_sql_user"
		[ -z "$pw_sql_database" ] || set -- "$@" "--database=$pw_sql_database"
		_out=$(pw_sql_script | mariadb "$@" 2>&1) || _rc=$?
	fi
	set --
	# The client's messages are never shown or logged: they may quote the
	# statement, hash included. Only their error codes are looked at.
	_last=$(printf '%s\n' "$_out" | sed -n '$p')
	_conn=''
	case $pw_sql_client:$_rc in
	psql:2) _conn=1 ;;
	mariadb:[!0]*)
		case $(printf '%s\n' "$_out" | sed -n 's/^ERROR \([0-9]*\).*/\1/p' | sed -n '1p') in
		1044 | 1045 | 1049 | 2002 | 2003 | 2005 | 2006 | 2013) _conn=1 ;;
		esac
		;;
	esac
	_out=''
	case $_rc:$_last in
	0:xexec-changed) return 0 ;;
	0:"xexec-rows 0") xexec_fail "This account was not found in the user database" ;;
	0:"xexec-rows "*) xexec_fail "The update would change ${_last#xexec-rows } accounts; nothing was changed (server configuration error)" ;;
	esac
	_last=''
	[ -z "$_conn" ] || xexec_fail "The user database could not be reached; nothing was changed"
	xexec_fail "The user database refused the change; nothing was changed (server configuration error)"
}
