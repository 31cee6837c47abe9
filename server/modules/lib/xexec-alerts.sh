# xexec-alerts.sh - the alerts module's part of the generated Sieve script.
#
# Sourced by xexec-common.sh. The state file $HOME/.xexec/alerts has lines:
#   status on|off
#   target <address>       (when one was set)
#   confirmed yes|no       (whether the target gave its code)
#   urgent yes|no
#   contacts yes|no
#   cap <n>                (the administrator's --max-per-hour when last changed)
#   length <n>             (the administrator's --length)
#   from <address>         (the administrator's --from, when given)
#   domain <domain>        (one per domain of the administrator's --target-domains)
#   sender <entry>         (one each)
#   word <word>            (one each: UTF-8, no control bytes, no comma)
# cap, length, from and the domains are stored because every module
# regenerates the script, as vacation stores its cap. The alerts module
# rewrites them whenever it runs with other options (show included), so an
# administrator's change reaches the script at the user's next alerts command.
# A target whose domain is not among the domain lines gets no alerts: it is
# suspended, not unconfirmed (it comes back when its domain is allowed again).
#
# After the Junk part (mail filed there has stopped) and before vacation: when
# the status is on, the target is confirmed and a condition is chosen,
#   if allof (anyof (<conditions>), anyof (<N hourly duplicate slots>)) {
#     <the text: "<sender>: <subject>" LF "<first characters>", cut>
#     notify :message "<first line>" "mailto:<target>?body=<the rest>";
#   }
# notify does not stop or cancel the implicit keep, so the message is still
# stored, answered by vacation and forwarded as without alerts.
#
# The text is cut at <length> bytes (Sieve's :matches "?" is one byte in
# Pigeonhole), and then never inside a UTF-8 character: the last character is
# completed with its continuation bytes, told apart by :encodeurl ("%80" to
# "%BF"). So the text has at most <length> characters. Pigeonhole allows
# match variables up to ${31} only, so it is cut in blocks of 16 bytes; a
# remainder shorter than a block in characters is taken whole (it still has
# fewer characters than the block's bytes).
#
# The script needs "variables" for this, and with it every string of the whole
# script is expanded: xexec-sieve.sh then writes each "${" of user text as
# "${xexec_d}{" (xexec_d holds "$"; an expansion is never expanded again).

# xexec_alerts_read FILE CONTACTS - reads the alerts state (FILE may be
# missing) into _al_active (true when the script needs an alerts part),
# _al_target, _al_cap, _al_length, _al_from, _al_urgent, and the files
# $XTMP/al.senders, $XTMP/al.words, $XTMP/al.contacts (empty when not used).
# Values are checked again: a state file edited by hand must not become code.
# Inactive too when domains are stored and the target is at none of them.
xexec_alerts_read() {
	_al_active=false
	_al_senders=$XTMP/al.senders _al_words=$XTMP/al.words _al_contacts=$XTMP/al.contacts
	: >"$_al_senders"
	: >"$_al_words"
	: >"$_al_contacts"
	[ -f "$1" ] || return 0
	[ "$(xexec_state_get "$1" status)" = on ] || return 0
	[ "$(xexec_state_get "$1" confirmed)" = yes ] || return 0
	_al_target=$(xexec_state_get "$1" target)
	_al_target=$(printf '%s\n' "$_al_target" | xexec_normalize_entries address 2>/dev/null) || return 0
	if sed -n -e '/^body$/q' -e '/^domain /p' "$1" | grep -q .; then
		sed -n -e '/^body$/q' -e 's/^domain //p' "$1" | grep -qxF -e "${_al_target#*@}" || return 0
	fi
	_al_cap=$(xexec_state_get "$1" cap)
	case $_al_cap in [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | 1000) ;; *) _al_cap=10 ;; esac
	_al_length=$(xexec_state_get "$1" length)
	case $_al_length in [2-9][0-9] | [1-9][0-9][0-9] | 1000) ;; *) _al_length=160 ;; esac
	_al_from=$(xexec_state_get "$1" from)
	if [ -n "$_al_from" ]; then
		_al_from=$(printf '%s\n' "$_al_from" | xexec_normalize_entries address 2>/dev/null) || _al_from=''
	fi
	_al_urgent=$(xexec_state_get "$1" urgent)
	sed -n -e '/^body$/q' -e 's/^sender //p' "$1" | xexec_normalize_entries entry >"$_al_senders" 2>/dev/null ||
		: >"$_al_senders"
	# A word: what the module stores (no control bytes; UTF-8 was checked
	# when stored, and Pigeonhole refuses a script that is not UTF-8,
	# which the compile before every replacement would catch).
	LC_ALL=C sed -n -e '/^body$/q' -e 's/^word \(.*\)$/\1/p' "$1" | LC_ALL=C grep -v '[[:cntrl:]]' |
		LC_ALL=C grep -v '^$' >"$_al_words" || :
	if [ "$(xexec_state_get "$1" contacts)" = yes ] && [ -s "$2" ]; then
		xexec_normalize_entries address <"$2" >"$_al_contacts" 2>/dev/null || : >"$_al_contacts"
	fi
	if [ -s "$_al_senders" ] || [ -s "$_al_words" ] || [ "$_al_urgent" = yes ] || [ -s "$_al_contacts" ]; then
		_al_active=true
	fi
}

# xexec_alerts_require - the extensions the alerts part needs (after _read).
xexec_alerts_require() {
	$_al_active || return 0
	printf ' variables enotify duplicate mime foreverypart extracttext relational comparator-i;ascii-numeric envelope'
}

# xexec_alerts_mailto ADDRESS - a mailto: URI of a checked address: every
# byte of it but letters, digits, "." "-" "_" and "@" percent-encoded (RFC
# 6068), so that neither "?" "#" "%" nor "${" can mean anything there.
xexec_alerts_mailto() {
	printf 'mailto:'
	printf '%s' "$1" | od -An -v -tu1 | LC_ALL=C awk '{
		for (i = 1; i <= NF; i++) {
			n = $i + 0
			if ((n >= 97 && n <= 122) || (n >= 48 && n <= 57) || n == 46 || n == 64 || n == 95 || n == 45)
				printf "%c", n
			else
				printf "%%%02X", n
		}
	}'
}

# xexec_alerts_sieve - the alerts part's commands (after _read).
xexec_alerts_sieve() {
	$_al_active || return 0
	printf '\n# Alerts: a short notification to the confirmed target, at most %s an hour.\n' "$_al_cap"
	printf 'if allof (anyof ('
	_sep=''
	if [ -s "$_al_senders" ]; then
		xexec_sieve_sender_test "$_al_senders" alsnd '    '
		_sep=',\n    '
	fi
	if [ -s "$_al_contacts" ]; then
		printf "$_sep"
		xexec_sieve_sender_test "$_al_contacts" alct '    '
		_sep=',\n    '
	fi
	if [ -s "$_al_words" ]; then
		printf "$_sep"'header :contains "subject" '
		xexec_sieve_strlist "$_al_words" '    '
		_sep=',\n    '
	fi
	if [ "$_al_urgent" = yes ]; then
		printf "$_sep"'header :matches "x-priority" ["1", "2", "1 *", "2 *", "1(*", "2(*"],\n'
		printf '    header :is "importance" "high",\n    header :is "priority" "urgent"'
	fi
	# Pigeonhole sends no notification about automatic mail (RFC 5436):
	# such mail must not take a slot either.
	printf '),\n  anyof (not exists "auto-submitted", header :is "auto-submitted" "no"),\n  anyof ('
	xexec_sieve_hourly_slots xexec-alerts-cap "$_al_cap" '    '
	printf ')) {\n'
	cat <<'EOF'
  set "xexec_from" "";
  if envelope :all :matches "from" "*" { set "xexec_from" "${1}"; }
  if address :all :matches "from" "*" { set "xexec_from" "${1}"; }
  set "xexec_subject" "";
  if header :matches "subject" "*" { set "xexec_subject" "${1}"; }
  set "xexec_body" "";
  foreverypart {
    if allof (string :is "${xexec_body}" "",
        anyof (header :mime :type :is "content-type" "text",
               not header :mime :matches "content-type" "*")) {
EOF
	printf '      extracttext :first %s "xexec_body";\n' "$_al_length"
	cat <<'EOF'
    }
  }
  set "xexec_nl" text:

.
;
  set "xexec_rest" "${xexec_from}: ${xexec_subject}${xexec_nl}${xexec_body}";
  set "xexec_text" "";
EOF
	_left=$_al_length
	while [ "$_left" -gt 0 ]; do
		_n=16
		[ "$_left" -ge 16 ] || _n=$_left
		_left=$((_left - _n))
		_q='' _refs='' _j=1
		while [ "$_j" -le "$_n" ]; do
			_q="$_q?" _refs="$_refs\${$_j}"
			_j=$((_j + 1))
		done
		# Pigeonhole (2.3.19 and 2.4.1) panics when a value is shorter
		# than the "?"s before a "*": only match what is long enough
		# (:length counts characters, never more than the bytes).
		printf '  set :length "xexec_n" "${xexec_rest}";\n'
		printf '  if allof (string :value "ge" :comparator "i;ascii-numeric" "${xexec_n}" "%s",\n' "$_n"
		printf '      string :comparator "i;octet" :matches "${xexec_rest}" "%s*") {\n' "$_q"
		printf '    set "xexec_text" "${xexec_text}%s"; set "xexec_rest" "${%s}";\n' "$_refs" "$((_n + 1))"
		printf '  } else {\n    set "xexec_text" "${xexec_text}${xexec_rest}"; set "xexec_rest" "";\n  }\n'
	done
	# Never inside a character: up to three continuation bytes complete it.
	for _j in 1 2 3; do
		cat <<'EOF'
  if allof (not string :is "${xexec_rest}" "",
      string :comparator "i;octet" :matches "${xexec_rest}" "?*") {
    set "xexec_c" "${1}"; set "xexec_rest" "${2}";
    set :encodeurl "xexec_e" "${xexec_c}";
    if string :matches "${xexec_e}" ["%8*", "%9*", "%A*", "%B*"] {
      set "xexec_text" "${xexec_text}${xexec_c}";
    } else {
      set "xexec_rest" "";
    }
  }
EOF
	done
	# The first line is the subject, the rest the body (an empty one when
	# the cut fell into the subject line). Pigeonhole refuses a mailto URI
	# with "%00" at run time, which fails the whole script (its fileinto,
	# redirect and vacation too, mail would only be kept): a NUL in the
	# message's text (extracttext keeps it) ends the body there. Every "%"
	# that :encodeurl writes starts an escape, so "%00" is only ever a NUL.
	cat <<'EOF'
  set "xexec_subject" "${xexec_text}";
  set "xexec_body" "";
  if string :comparator "i;octet" :matches "${xexec_text}" "*${xexec_nl}*" {
    set "xexec_subject" "${1}"; set "xexec_body" "${2}";
  }
  set :encodeurl "xexec_body" "${xexec_body}";
  if string :comparator "i;octet" :matches "${xexec_body}" "*%00*" { set "xexec_body" "${1}"; }
  if string :comparator "i;octet" :contains "${xexec_body}" "%00" { set "xexec_body" ""; }
EOF
	printf '  notify'
	[ -z "$_al_from" ] || printf ' :from %s' "$(xexec_sieve_quote "$_al_from")"
	printf ' :message "${xexec_subject}" "%s?body=${xexec_body}";\n}\n' "$(xexec_alerts_mailto "$_al_target")"
}
