# xexec-submit.sh - the submit module's message checks (docs/PROTOCOL.md §6.8).
#
# Sourced by submit.sh only. Everything here reads files the module wrote
# itself ($XTMP); client values reach awk through ENVIRON, never through
# `awk -v` (which would interpret backslashes) or a program text.

# submit_header_scan MSG OUTDIR
# Reads the header of MSG (up to the first empty line, LF or CRLF) and writes
# into OUTDIR:
#   hdr     the header as it is to be sent: Bcc and Resent-Bcc fields (with
#           their continuation lines) left out, the empty line kept;
#   from    the unfolded value of each From field, one a line;
#   sender  the same for Sender;
#   msgid   the same for Message-ID;
#   info    "lines N" (the header's lines, the empty line included: the body
#           starts at line N+1), "eol crlf|lf", "end yes|no" (whether there
#           was an empty line), or "error <sentence>" for a header that is not
#           RFC 5322: a line that is neither a field nor a continuation, a
#           continuation first, or a bare CR.
# Unfolding drops the line breaks (RFC 5322 §2.2.3) and trims the value.
submit_header_scan() {
	LC_ALL=C awk -v out="$2" '
	function flush() {
		if (name == "from") print trim(val) > (out "/from")
		else if (name == "sender") print trim(val) > (out "/sender")
		else if (name == "message-id") print trim(val) > (out "/msgid")
		name = ""
	}
	function trim(s) {
		sub(/^[ \t]+/, "", s)
		sub(/[ \t]+$/, "", s)
		return s
	}
	BEGIN { name = ""; skip = 0; n = 0; eol = "lf"; ended = "no"; err = "" }
	{
		n++
		line = $0
		if (sub(/\r$/, "", line)) { if (n == 1) eol = "crlf" }
		if (line == "") { ended = "yes"; print $0 > (out "/hdr"); exit }
		if (index(line, "\r") > 0) { err = "Line " n " of the message header contains a bare carriage return"; exit }
		if (line ~ /^[ \t]/) {
			if (n == 1) { err = "The message header starts with a continuation line"; exit }
			if (!skip) print $0 > (out "/hdr")
			val = val line
			next
		}
		# field-name: printable ASCII but ":" (RFC 5322 §3.6.8); the
		# obsolete syntax allows white space before the colon.
		if (line !~ /^[!-9;-~]+[ \t]*:/) {
			err = "Line " n " of the message header is neither a header field nor a continuation line"
			exit
		}
		flush()
		fname = line
		sub(/[ \t]*:.*$/, "", fname)
		fname = tolower(fname)
		skip = (fname == "bcc" || fname == "resent-bcc")
		if (!skip) print $0 > (out "/hdr")
		if (fname == "from" || fname == "sender" || fname == "message-id") {
			name = fname
			val = line
			sub(/^[^:]*:/, "", val)
		}
	}
	END {
		if (err != "") { print "error " err > (out "/info"); exit 0 }
		flush()
		print "lines " n > (out "/info")
		print "eol " eol > (out "/info")
		print "end " ended > (out "/info")
	}' "$1"
	touch -- "$2/hdr" "$2/from" "$2/sender" "$2/msgid"
}

# submit_addresses < unfolded address-list values > one address a line,
# lower-cased. RFC 5322 §3.4: display names (quoted strings, encoded words),
# comments, angle addresses and groups. An address is the content of <...>,
# else the element itself (an addr-spec) with comments removed. A value that
# cannot be read (an unterminated quote, comment or angle bracket, nested
# brackets, a route) prints "!" so that the caller refuses it: never guess.
submit_addresses() {
	LC_ALL=C awk '
	function emit(e) {
		gsub(/^[ \t]+|[ \t]+$/, "", e)
		if (e != "") print tolower(e)
	}
	{
		s = $0; n = length(s); q = 0; depth = 0; ang = 0; had = 0; cur = ""; a = ""; bad = 0
		for (i = 1; i <= n; i++) {
			c = substr(s, i, 1)
			if (q) {
				if (c == "\\") { i++; cur = cur "?"; continue }
				if (c == "\"") q = 0
				cur = cur "?"
				continue
			}
			if (depth > 0) {
				if (c == "\\") { i++; continue }
				if (c == "(") depth++
				else if (c == ")") depth--
				continue
			}
			if (c == "(") { depth = 1; continue }
			if (ang) {
				if (c == ">") { ang = 0; continue }
				if (c == "<" || c == "\"") { bad = 1; break }
				a = a c
				continue
			}
			if (c == "\"") { q = 1; cur = cur "?"; continue }
			if (c == "<") {
				if (had) { bad = 1; break }
				ang = 1; had = 1; a = ""
				continue
			}
			if (c == ">") { bad = 1; break }
			if (c == "," || c == ";" || c == ":") {
				# ":" ends a group name, ";" the group.
				if (c == ":" && had) { bad = 1; break }
				if (c != ":") { if (had) emit(a); else emit(cur) }
				cur = ""; a = ""; had = 0
				continue
			}
			cur = cur c
		}
		if (q || depth > 0 || ang) bad = 1
		if (bad) { print "!"; next }
		if (had) emit(a); else emit(cur)
	}'
}

# submit_aliases FILE LOGIN > the addresses of LOGIN's line(s) in FILE, one a
# line, checked and lower-cased (invalid ones are left out and logged on
# stderr). A line is `login: address, address ...`; the login is what comes
# before the line's last ":" (addresses never contain one, logins may); "#"
# starts a comment line.
submit_aliases() {
	[ -n "$1" ] || return 0
	_al=$(xexec_login="$2" LC_ALL=C awk '
		/^[ \t]*(#|$)/ { next }
		{
			line = $0
			sub(/\r$/, "", line)
			p = 0
			for (i = length(line); i > 0; i--) if (substr(line, i, 1) == ":") { p = i; break }
			if (p == 0) next
			key = substr(line, 1, p - 1)
			gsub(/^[ \t]+|[ \t]+$/, "", key)
			if (tolower(key) != tolower(ENVIRON["xexec_login"])) next
			rest = substr(line, p + 1)
			gsub(/[, \t]+/, "\n", rest)
			printf "%s\n", rest
		}' "$1" | sed '/^$/d')
	[ -n "$_al" ] || return 0
	printf '%s\n' "$_al" | while IFS= read -r _a; do
		if _n=$(printf '%s\n' "$_a" | xexec_normalize_entries address 2>/dev/null); then
			printf '%s\n' "$_n"
		else
			printf 'submit: ignoring an invalid address in the aliases file for this user\n' >&2
		fi
	done
}

# submit_log EVENT DETAILS - one line for the administrator (--log): syslog
# (facility mail, tag xexec-submit), a file, or nothing. Never the body or
# the recipients' addresses. Best effort: a missing syslog does not stop a
# send that already happened.
submit_log() {
	_line="user=$(xexec_oneline "$XUSER") $1 $(xexec_oneline "$2")"
	case $log_to in
	none) ;;
	syslog) logger -p mail.info -t xexec-submit -- "$_line" 2>/dev/null || : ;;
	*) printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$_line" >>"$log_to" 2>/dev/null || : ;;
	esac
}
