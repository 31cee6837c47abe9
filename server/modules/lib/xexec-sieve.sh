# xexec-sieve.sh - writes $HOME/.xexec/xexec.sieve from all XEXEC state.
#
# Sourced by xexec-common.sh. The generated script does, in this order:
#   1. for a sender not on the whitelist: a sender on the blacklist, then
#      mail the spam module blocks (xexec-spam.sh): fileinto :create "Junk"
#      (or the spam module's delete folder); stop;   (so no vacation reply and
#      no forwarding for it)
#   2. alerts (xexec-alerts.sh): notify to the confirmed target, which does not
#      stop anything;
#   3. the rules (xexec-rules.sh), in their order: fileinto, flags, redirect
#      :copy, discard; a rule's "stop" skips only the later rules;
#   4. forwarding: redirect [:copy];
#   5. the vacation reply, inside a currentdate test when start/end are set.
# So the order is: allow list, block list (and spam), rules, forwarding, the
# automatic reply (Sieve performs the actions only after the whole script has
# run, so the order of the last two changes no outcome).
# A sender is the address in the From header or the envelope sender; an entry
# `@domain` matches that domain exactly. Matching uses Sieve's default
# comparator, i;ascii-casemap, so it ignores case.
#
# User text only ever appears inside Sieve strings: quoted strings with `\`
# and `"` escaped, or a text: multi-line string with dot-stuffing (RFC 5228
# §2.4.2). "encoded-character" is never required. "variables" is required
# only by alerts and by rules that stop later rules; then every "${" of user text is written "${xexec_d}{", where
# xexec_d holds "$" (set first; an expansion is not expanded again), so
# `${...}` in user text stays literal either way. Every value was validated
# when it was stored (no control bytes besides LF/TAB in the body, UTF-8), and
# it is escaped here again anyway.

# xexec_sieve_quote STR - STR as a Sieve quoted string. STR has no LF.
xexec_sieve_quote() {
	printf '"%s"' "$(printf '%s\n' "$1" | sed -e 's/[\\"]/\\&/g' -e "$XEXEC_SIEVE_VARS")"
}

# A sed command for text in a script that requires "variables" (see above);
# a no-op otherwise. Set by xexec_sieve_generate.
XEXEC_SIEVE_VARS='s/^//'
XEXEC_SIEVE_DOLLAR='s/\$[{]/${xexec_d}{/g'

# xexec_sieve_hourly_slots HANDLE N INDENT - the tests of an hourly cap of N,
# for an anyof(): N duplicate slots (RFC 7352), each taken for an hour by the
# first message that finds it free (anyof stops at the first true test, so a
# message takes one slot). Used by the vacation reply and by alerts.
xexec_sieve_hourly_slots() {
	_hs=1
	while [ "$_hs" -le "$2" ]; do
		[ "$_hs" -eq 1 ] || printf ',\n%s' "$3"
		printf 'not duplicate :handle "%s" :uniqueid "%s" :seconds 3600' "$1" "$_hs"
		_hs=$((_hs + 1))
	done
}

# xexec_sieve_strlist FILE INDENT - the lines of FILE as a Sieve string list,
# one string per line. FILE must not be empty.
xexec_sieve_strlist() {
	printf '[\n'
	sed -e 's/[\\"]/\\&/g' -e "$XEXEC_SIEVE_VARS" -e "s/^/$2  \"/" -e 's/$/"/' -e '$!s/$/,/' "$1"
	printf '%s]' "$2"
}

# xexec_sieve_sender_test LISTFILE TAG INDENT [envelope] - prints an anyof()
# test that is true when the sender (with "envelope": the envelope sender
# only) matches an entry of LISTFILE (entries one a line, not empty). TAG names the split files in $XTMP. Everything is printed
# directly, never through $(...): a list may have 100,000 entries.
xexec_sieve_sender_test() {
	_addr=$XTMP/$2.addr _dom=$XTMP/$2.dom _envonly=${4:-}
	grep -v '^@' "$1" >"$_addr" || :
	sed -n 's/^@//p' "$1" >"$_dom"
	printf 'anyof ('
	if [ -s "$_addr" ]; then
		if [ -z "$_envonly" ]; then
			printf 'address :all :is "from" '
			xexec_sieve_strlist "$_addr" "$3  "
			printf ',\n%s  ' "$3"
		fi
		printf 'envelope :all :is "from" '
		xexec_sieve_strlist "$_addr" "$3  "
		[ ! -s "$_dom" ] || printf ',\n%s  ' "$3"
	fi
	if [ -s "$_dom" ]; then
		if [ -z "$_envonly" ]; then
			printf 'address :domain :is "from" '
			xexec_sieve_strlist "$_dom" "$3  "
			printf ',\n%s  ' "$3"
		fi
		printf 'envelope :domain :is "from" '
		xexec_sieve_strlist "$_dom" "$3  "
	fi
	printf ')'
}

# xexec_sieve_and - starts the vacation's `if allof (` or separates the next
# condition (counts them in _nc).
xexec_sieve_and() {
	if [ "$_nc" -eq 0 ]; then printf 'if allof ('; else printf ',\n    '; fi
	_nc=$((_nc + 1))
}

# xexec_sieve_generate BLACKLIST WHITELIST FORWARD VACATION SPAM CONTACTS STAMP ALERTS RULES > script
# Each but STAMP is a state file, which may be missing or empty;
# STAMP is their xexec_state_stamp, recorded in a comment.
xexec_sieve_generate() {
	_g_bl=$1 _g_va=$4 _g_sp=$5 _g_stamp=$7 _g_fw=$3
	# The allow list: the whitelist and the contacts the user trusts (the
	# spam module's "trust my contacts"), which count the same.
	_g_wl=$XTMP/allow
	{
		[ ! -f "$2" ] || cat -- "$2"
		[ ! -f "$6" ] || cat -- "$6"
	} | LC_ALL=C sort -u >"$_g_wl"

	# What is active decides what is required: never require an extension
	# that the script does not use.
	_use_bl=false _use_wl=false
	[ -s "$_g_bl" ] && _use_bl=true
	xexec_spam_read "$_g_sp"
	# The whitelist only ever exempts from the blacklist and the spam module.
	{ $_use_bl || $_sp_active; } && [ -s "$_g_wl" ] && _use_wl=true

	xexec_alerts_read "${8:-}" "$6"
	xexec_rules_read "${9:-}"
	_use_vars=false
	{ $_al_active || $_ru_vars; } && _use_vars=true
	XEXEC_SIEVE_VARS='s/^//'
	! $_use_vars || XEXEC_SIEVE_VARS=$XEXEC_SIEVE_DOLLAR

	_use_fw=false
	_fw_addr=$(xexec_state_get "$_g_fw" address)
	_fw_keep=$(xexec_state_get "$_g_fw" keepcopy)
	[ "$(xexec_state_get "$_g_fw" status)" = on ] && [ -n "$_fw_addr" ] && _use_fw=true

	_use_va=false
	_va_start=$(xexec_state_get "$_g_va" start)
	_va_end=$(xexec_state_get "$_g_va" end)
	_va_days=$(xexec_state_get "$_g_va" days)
	_va_subject=$(xexec_state_get "$_g_va" subject)
	_va_cap=$(xexec_state_get "$_g_va" cap)
	if [ "$(xexec_state_get "$_g_va" status)" = on ] && grep -qx 'body' "$_g_va"; then
		_use_va=true
	fi
	# The modules validated these when storing them; a state file edited by
	# hand must still not become Sieve code.
	case $_va_days in [1-9] | [1-5][0-9] | 60) ;; *) _va_days=7 ;; esac
	case $_va_cap in [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | 1000) ;; *) _va_cap='' ;; esac
	_va_only=$XTMP/va.only
	if $_use_va; then
		sed -n -e '/^body$/q' -e 's/^only //p' "$_g_va" >"$_va_only"
	else
		: >"$_va_only"
	fi

	_req=''
	$_use_bl && _req="$_req envelope fileinto mailbox"
	$_use_va && _req="$_req vacation"
	$_use_va && [ -n "$_va_start$_va_end" ] && _req="$_req date relational"
	$_use_va && [ -s "$_va_only" ] && ! $_use_bl && _req="$_req envelope"
	$_use_va && [ -n "$_va_cap" ] && _req="$_req duplicate"
	$_use_fw && [ "$_fw_keep" = yes ] && _req="$_req copy"
	_req="$_req$(xexec_spam_require)$(xexec_alerts_require)$(xexec_rules_require)"
	$_use_wl && _req="$_req envelope"

	printf '# Generated by the XEXEC modules; do not edit.\n'
	printf '# Every change made with blacklist, whitelist, spam, alerts, rules, vacation or forwardmail\n'
	printf '# rewrites this file.\n'
	# The state it was made from (xexec_in_step).
	printf '# xexec-state %s\n' "$_g_stamp"
	if [ -n "$_req" ]; then
		_list='' _seen=' '
		for _r in $_req; do
			# Each extension once (the spam part may need the same ones).
			case $_seen in *" $_r "*) continue ;; esac
			_seen="$_seen$_r "
			_list="$_list${_list:+, }\"$_r\""
		done
		printf 'require [%s];\n' "$_list"
	fi
	# "${" of user text is written "${xexec_d}{" (see above).
	! $_use_vars || printf 'set "xexec_d" "$";\n'

	if $_use_bl || $_sp_active; then
		_in=''
		if $_use_wl; then
			printf '\n# Senders on the whitelist are exempt from the blacklist and the spam filter.\n'
			printf 'if not '
			xexec_sieve_sender_test "$_g_wl" wl ''
			printf ' {'
			_in='  '
		fi
		if $_use_bl; then
			printf '\n%s# Blacklist: file into Junk.\n%sif ' "$_in" "$_in"
			xexec_sieve_sender_test "$_g_bl" bl "$_in"
			printf ' {\n%s  fileinto :create "Junk";\n%s  stop;\n%s}\n' "$_in" "$_in" "$_in"
		fi
		xexec_spam_sieve "$_in"
		[ -z "$_in" ] || printf '}\n'
	fi

	xexec_alerts_sieve
	xexec_rules_sieve "$_use_vars"

	if $_use_fw; then
		printf '\n# Forwarding.\n'
		if [ "$_fw_keep" = yes ]; then
			printf 'redirect :copy %s;\n' "$(xexec_sieve_quote "$_fw_addr")"
		else
			printf 'redirect %s;\n' "$(xexec_sieve_quote "$_fw_addr")"
		fi
	fi

	if $_use_va; then
		printf '\n# Vacation reply.\n'
		# Its conditions, all of which must hold: the dates, the senders
		# it may answer, the hourly cap.
		_nc=0
		if [ -n "$_va_start" ]; then
			xexec_sieve_and
			printf 'currentdate :value "ge" "date" %s' "$(xexec_sieve_quote "$_va_start")"
		fi
		if [ -n "$_va_end" ]; then
			xexec_sieve_and
			printf 'currentdate :value "le" "date" %s' "$(xexec_sieve_quote "$_va_end")"
		fi
		if [ -s "$_va_only" ]; then
			# The reply goes to the envelope sender: that is what counts.
			xexec_sieve_and
			xexec_sieve_sender_test "$_va_only" only '    ' envelope
		fi
		if [ -n "$_va_cap" ]; then
			# N slots, each taken for an hour by the first message that
			# finds it free. Mail that vacation never answers does not
			# take one (lists and automatic mail, RFC 3834).
			xexec_sieve_and
			# (exists with a list is true only when all exist)
			printf 'not exists "list-id",\n    not exists "list-unsubscribe",\n'
			printf '    not header :matches "auto-submitted" "auto-*",\n'
			printf '    not header :is "precedence" ["bulk", "list", "junk"],\n'
			printf '    anyof ('
			xexec_sieve_hourly_slots xexec-vacation-cap "$_va_cap" '           '
			printf ')'
		fi
		_ind=''
		if [ "$_nc" -gt 0 ]; then
			printf ') {\n'
			_ind='  '
		fi
		printf '%svacation :days %s' "$_ind" "$_va_days"
		if [ -n "$_va_subject" ]; then
			printf ' :subject %s' "$(xexec_sieve_quote "$_va_subject")"
		fi
		# text: ... a line "." ends the string; a body line that starts
		# with "." gets a second one (dot-stuffing).
		printf ' text:\n'
		sed -e '1,/^body$/d' -e 's/^\./../' -e "$XEXEC_SIEVE_VARS" "$_g_va"
		printf '.\n%s;\n' "$_ind"
		[ -z "$_ind" ] || printf '}\n'
	fi
}
