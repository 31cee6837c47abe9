# xexec-spam.sh - the spam module's part of the generated Sieve script.
#
# Sourced by xexec-common.sh. The state file $HOME/.xexec/spam has lines:
#   level off|lenient|standard|strict|allowed-only
#   action junk|delete
#   folder <name>          (only with action delete: the administrator's
#                           autoexpunged folder, --delete-folder)
#   days <n>               (only with action delete: its period, --delete-days)
#   tld <tld>              (one each: blocked top-level domains)
#   charset <charset>      (one each: blocked character sets)
#   virus yes              (the administrator set up Pigeonhole's virustest,
#                           spam.sh --virustest=yes)
#
# Inside the whitelist's exemption (xexec-sieve.sh), after the blacklist:
#   1. blocked TLDs and character sets: fileinto :create "Junk"; stop;
#   2. with virus yes: mail the server's virus scanner found infected or
#      probably infected (virustest 4 or 5, RFC 5235): Junk; stop;
#   3. the level: allowed-only files everything else into Junk; lenient,
#      standard and strict file mail whose spamtest :percent reaches 80, 50
#      or 30 into Junk (or the delete folder); stop.
# Level off generates nothing at all (the lists are kept for later).

# The spamtest :percent threshold of a level: the scanner's score as a
# percentage of the maximum the administrator configured
# (sieve_spamtest_max_value or _max_header; SERVER.md).
spam_percent() {
	case $1 in
	lenient) echo 80 ;;
	standard) echo 50 ;;
	strict) echo 30 ;;
	*) echo '' ;;
	esac
}

. "$XEXEC_LIBDIR/xexec-letters.sh"

# xexec_spam_read FILE - reads the spam state (FILE may be missing) into
# _sp_active (true when the script needs a spam part), _sp_level,
# _sp_folder, and the files $XTMP/sp.tld (patterns "*.<tld>"),
# $XTMP/sp.cs and $XTMP/sp.letters. Values are checked again here: a state
# file edited by hand must still not become Sieve code.
xexec_spam_read() {
	_sp_level='' _sp_folder=Junk _sp_active=false _sp_virus=false
	_sp_tld=$XTMP/sp.tld _sp_cs=$XTMP/sp.cs _sp_letters=$XTMP/sp.letters
	: >"$_sp_tld"
	: >"$_sp_cs"
	: >"$_sp_letters"
	[ -f "$1" ] || return 0
	_sp_level=$(xexec_state_get "$1" level)
	case $_sp_level in
	lenient | standard | strict | allowed-only) _sp_active=true ;;
	*) return 0 ;;
	esac
	[ "$(xexec_state_get "$1" virus)" != yes ] || _sp_virus=true
	if [ "$(xexec_state_get "$1" action)" = delete ]; then
		_sp_folder=$(xexec_state_get "$1" folder)
		case $_sp_folder in
		[A-Za-z0-9]*) case $_sp_folder in *[!A-Za-z0-9._/-]*) _sp_folder=Junk ;; esac ;;
		*) _sp_folder=Junk ;;
		esac
	fi
	LC_ALL=C sed -n 's/^tld \([a-z][a-z0-9-]*\)$/*.\1/p' "$1" >"$_sp_tld"
	LC_ALL=C sed -n 's/^charset \([a-z0-9][a-z0-9._:+-]*\)$/\1/p' "$1" >"$_sp_cs"
	# The letters of every script a blocked character set is for (each
	# script once), one a line: see xexec-letters.sh.
	_scripts=' '
	while IFS= read -r _c; do
		_s=$(spam_script "$_c")
		case $_s in '' | *[!A-Z]*) continue ;; esac
		case $_scripts in *" $_s "*) continue ;; esac
		_scripts="$_scripts$_s "
		spam_letters "$_s"
	done <"$_sp_cs" >"$_sp_letters"
}

# xexec_spam_require - the extensions the spam part needs (after _read).
xexec_spam_require() {
	$_sp_active || return 0
	printf ' fileinto mailbox'
	[ ! -s "$_sp_tld" ] || printf ' envelope'
	[ ! -s "$_sp_cs" ] || printf ' mime'
	[ -z "$(spam_percent "$_sp_level")" ] || printf ' spamtestplus relational comparator-i;ascii-numeric'
	! $_sp_virus || printf ' virustest relational comparator-i;ascii-numeric'
}

# xexec_spam_sieve INDENT - the spam part's commands (after _read).
xexec_spam_sieve() {
	$_sp_active || return 0
	_i=$1
	if [ -s "$_sp_tld" ] || [ -s "$_sp_cs" ]; then
		printf '\n%s# Blocked top-level domains (with every domain below them) and\n' "$_i"
		printf '%s# character sets: file into Junk.\n%sif anyof (' "$_i" "$_i"
		_sep=''
		if [ -s "$_sp_tld" ]; then
			printf 'address :domain :matches "from" '
			xexec_sieve_strlist "$_sp_tld" "$_i  "
			printf ',\n%s  envelope :domain :matches "from" ' "$_i"
			xexec_sieve_strlist "$_sp_tld" "$_i  "
			_sep=",\n$_i  "
		fi
		if [ -s "$_sp_cs" ]; then
			# The message's own Content-Type and that of every part.
			printf "$_sep"'header :mime :anychild :param "charset" :is "content-type" '
			xexec_sieve_strlist "$_sp_cs" "$_i  "
			_sep=",\n$_i  "
		fi
		if [ -s "$_sp_letters" ]; then
			printf "$_sep"'header :contains ["subject", "from"] '
			xexec_sieve_strlist "$_sp_letters" "$_i  "
		fi
		printf ') {\n%s  fileinto :create "Junk";\n%s  stop;\n%s}\n' "$_i" "$_i" "$_i"
	fi
	if $_sp_virus; then
		printf '\n%s# The server'"'"'s virus scanner: infected or probably infected.\n' "$_i"
		printf '%sif virustest :value "ge" :comparator "i;ascii-numeric" "4" {\n' "$_i"
		printf '%s  fileinto :create "Junk";\n%s  stop;\n%s}\n' "$_i" "$_i" "$_i"
	fi
	if [ "$_sp_level" = allowed-only ]; then
		printf '\n%s# Level allowed-only: only senders on the whitelist reach the inbox.\n' "$_i"
		printf '%sfileinto :create "Junk";\n%sstop;\n' "$_i" "$_i"
		return 0
	fi
	_pc=$(spam_percent "$_sp_level")
	printf '\n%s# Level %s: a spam score of at least %s%% of the maximum.\n' "$_i" "$_sp_level" "$_pc"
	printf '%sif spamtest :percent :value "ge" :comparator "i;ascii-numeric" "%s" {\n' "$_i" "$_pc"
	printf '%s  fileinto :create %s;\n%s  stop;\n%s}\n' "$_i" "$(xexec_sieve_quote "$_sp_folder")" "$_i" "$_i"
}
