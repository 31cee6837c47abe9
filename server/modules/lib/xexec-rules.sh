# xexec-rules.sh - the rules module's part of the generated Sieve script, and
# the checks of a rule (docs/PROTOCOL.md §6.7).
#
# Sourced by xexec-common.sh. The state file $HOME/.xexec/rules has lines:
#   next <n>               the id the next added rule gets (ids are never reused)
#   mime yes|no            whether the server's Sieve had "mime" at the last change
#   rule <id>              then that rule's normalised lines, exactly as `list`
#   name <text>            prints them (name, enabled, match, if..., do..., stop)
#   ...
#
# In the script the rules come after the Junk part (mail filed there has
# stopped) and the alerts part, and before vacation and forwarding. Each
# enabled rule becomes
#   if allof|anyof (<tests>) { addflag...; fileinto...; redirect...; discard; stop; }
# "stop yes" means that no later *rule* runs: forwarding and vacation still do.
# Sieve's own `stop` would end those too, so when a stop rule is followed by
# another enabled rule the script sets a variable instead, and every rule
# tests it first. Only then is "variables" required (and, as for alerts, every
# "${" of user text is written "${xexec_d}{", see xexec-sieve.sh).
#
# Every value is written inside a Sieve quoted string: "\" and '"' escaped,
# and for begins/ends the :matches wildcards "*", "?" and "\" escaped too
# (for matches only "\"). A value has no control byte (checked when stored,
# and the generator drops a line that has one), so no string can end early.

# xexec_rules_check SELF BODY < rule text > normalised lines
# The rule's lines checked against PROTOCOL.md §6.7 and printed in normal form;
# on the first bad line a sentence naming it on stderr and exit 3. SELF is the
# user's own address (lower case; forward to it is refused), BODY "yes" when
# the server's Sieve can test the body. Run after the whole rule was checked
# for UTF-8 and control bytes. Byte lengths: LC_ALL=C.
xexec_rules_check() {
	LC_ALL=C awk -v self="$1" -v bodyok="$2" '
	function fail(m) {
		printf "Line %d of the rule: %s\n", NR, m > "/dev/stderr"
		bad = 1
		exit 3
	}
	function refuse(m) {
		print m > "/dev/stderr"
		exit 3
	}
	# A word of the client quoted in a message: whole when short.
	function q(s) {
		if (length(s) <= 60) return "\"" s "\""
		return "a word of " length(s) " bytes"
	}
	function phase(p, k) {
		if (p < ph) fail(q(k) " is out of order (the order is name, enabled, match, if, do, stop)")
		ph = p
	}
	function once(k) {
		if (k in seen) fail(q(k) " is given twice")
		seen[k] = 1
	}
	function word(s,    i) {
		i = index(s, " ")
		if (i == 0) { w = s; r = ""; return }
		w = substr(s, 1, i - 1)
		r = substr(s, i + 1)
	}
	function value(v, what) {
		if (length(v) < 1 || length(v) > 1000) fail(what " must be 1 to 1000 bytes")
		return v
	}
	function op(o) {
		if (o !~ /^(contains|is|begins|ends|matches)$/)
			fail(q(o) " is not one of contains, is, begins, ends, matches")
	}
	function address(e,    at, loc, dom, n, i, lab) {
		e = tolower(e)
		if (length(e) > 254) return ""
		at = index(e, "@")
		if (at < 2) return ""
		loc = substr(e, 1, at - 1)
		dom = substr(e, at + 1)
		if (length(loc) > 64) return ""
		if (loc !~ /^[a-z0-9!#$%&'\''*+\/=^_`{|}~.-]+$/) return ""
		n = split(dom, lab, ".")
		if (n < 2) return ""
		for (i = 1; i <= n; i++) {
			if (length(lab[i]) < 1 || length(lab[i]) > 63) return ""
			if (lab[i] !~ /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/) return ""
		}
		return e
	}
	function folder(v, what) {
		if (length(v) < 1 || length(v) > 255) fail(what " must be 1 to 255 bytes")
		return v
	}
	BEGIN { ph = 0; nif = 0; ndo = 0; enabled = "yes"; match_ = "all"; stop = "no" }
	$0 == "" { next }
	{
		word($0); k = w; rest = r
		if (k == "name") {
			phase(1, k); once(k)
			if (length(rest) < 1 || length(rest) > 100) fail("the name must be 1 to 100 bytes")
			name = rest
		} else if (k == "enabled") {
			phase(2, k); once(k)
			if (rest != "yes" && rest != "no") fail("enabled must be yes or no")
			enabled = rest
		} else if (k == "match") {
			phase(3, k); once(k)
			if (rest != "all" && rest != "any") fail("match must be all or any")
			match_ = rest
		} else if (k == "if") {
			phase(4, k)
			if (++nif > 20) fail("a rule has at most 20 conditions")
			neg = ""
			word(rest)
			if (w == "not") { neg = "not "; word(r) }
			t = w; rest = r
			if (t ~ /^(from|to|cc|to-or-cc|subject|sender-domain|recipient-domain)$/) {
				word(rest); op(w)
				c = t " " w " " value(r, "the value")
			} else if (t == "header") {
				word(rest)
				if (w !~ /^[!-9;-~]+$/ || length(w) > 76)
					fail("a header name is 1 to 76 printable ASCII characters without \":\"")
				f = w; word(r); op(w)
				c = t " " f " " w " " value(r, "the value")
			} else if (t == "size") {
				word(rest)
				if (w != "over" && w != "under") fail("size is followed by over or under")
				if (r !~ /^[1-9][0-9]*$/ || length(r) > 10 || r + 0 > 2147483647)
					fail("the size is a number of bytes from 1 to 2147483647")
				c = t " " w " " r
			} else if (t == "attachment") {
				if (rest != "") fail("attachment takes no value")
				c = t
			} else if (t == "body") {
				if (bodyok != "yes") fail("this server cannot test the body of messages")
				word(rest)
				if (w != "contains") fail("body is followed by contains")
				c = t " contains " value(r, "the value")
			} else {
				fail(q(t) " is not a known condition")
			}
			ifs[nif] = neg c
		} else if (k == "do") {
			phase(5, k)
			if (++ndo > 10) fail("a rule has at most 10 actions")
			word(rest); a = w
			if (a == "move" || a == "copy") {
				a = a " " folder(r, "the folder name")
				if (w == "move") { if (moves++) fail("a rule moves a message at most once") }
				if (w == "move" || w == "copy") keeps++
			} else if (a == "forward") {
				e = address(r)
				if (e == "") fail(q(r) " is not a valid e-mail address")
				if (self != "" && e == self) fail("mail cannot be forwarded to this mailbox'\''s own address")
				a = a " " e
				keeps++
			} else if (a == "read" || a == "flag" || a == "delete") {
				if (r != "" || index(rest, " ")) fail(a " takes no value")
				if (a == "delete") deletes++
			} else {
				fail(q(a) " is not a known action")
			}
			if (("do " a) in seen) fail("the action " q(a) " is given twice")
			seen["do " a] = 1
			if (deletes && keeps) fail("delete cannot be combined with move, copy or forward")
			dos[ndo] = a
		} else if (k == "stop") {
			phase(6, k); once(k)
			if (rest != "yes" && rest != "no") fail("stop must be yes or no")
			stop = rest
		} else {
			fail(q(k) " is not a known line (name, enabled, match, if, do, stop)")
		}
	}
	END {
		if (bad) exit 3
		if (name == "") refuse("A rule needs a name")
		if (nif == 0) refuse("A rule needs at least one condition (if)")
		if (ndo == 0) refuse("A rule needs at least one action (do)")
		printf "name %s\nenabled %s\nmatch %s\n", name, enabled, match_
		for (i = 1; i <= nif; i++) printf "if %s\n", ifs[i]
		for (i = 1; i <= ndo; i++) printf "do %s\n", dos[i]
		printf "stop %s\n", stop
	}'
}

# xexec_rules_read FILE VARS - reads the rules state (FILE may be missing):
# _ru_active (true when the script has a rules part), _ru_vars (true when
# the rules need "variables"), _ru_req (the extensions they need), and
# $XTMP/ru.rules, the enabled rules' lines. VARS: true when alerts already
# requires "variables".
xexec_rules_read() {
	_ru_active=false _ru_vars=false _ru_req='' _ru_file=$XTMP/ru.rules
	: >"$_ru_file"
	[ -f "$1" ] || return 0
	# Only the lines a rule can have, without control bytes; the enabled
	# rules' groups.
	LC_ALL=C awk '
	/[[:cntrl:]]/ { next }
	/^rule [1-9][0-9]*$/ { id = $2; keep = 0; n = 0; next }
	id == "" { next }
	/^enabled yes$/ { keep = 1; printf "rule %s\n", id; for (i = 1; i <= n; i++) print held[i]; next }
	/^enabled / { id = ""; next }
	!keep { held[++n] = $0; next }
	/^(name|match|if|do|stop) / { print }
	' "$1" >"$_ru_file"
	grep -q '^do ' "$_ru_file" || return 0
	_ru_active=true
	_ru_mime=$(xexec_state_get "$1" mime)
	# "variables" when a stop rule has an enabled rule after it.
	if LC_ALL=C awk '/^stop yes$/ { s = 1 } /^rule / && s { f = 1 } END { exit !f }' "$_ru_file"; then
		_ru_vars=true
		_ru_req="$_ru_req variables"
	fi
	grep -q '^do \(move\|copy\) ' "$_ru_file" && _ru_req="$_ru_req fileinto mailbox"
	grep -q '^do \(copy\|forward\) ' "$_ru_file" && _ru_req="$_ru_req copy"
	grep -q '^do \(read\|flag\)$' "$_ru_file" && _ru_req="$_ru_req imap4flags"
	grep -q '^if \(not \)\?body ' "$_ru_file" && _ru_req="$_ru_req body"
	if grep -q '^if \(not \)\?attachment$' "$_ru_file" && [ "$_ru_mime" = yes ]; then
		_ru_req="$_ru_req mime"
	fi
	return 0
}

xexec_rules_require() {
	$_ru_active || return 0
	printf '%s' "$_ru_req"
}

# xexec_rules_sieve VARS - the rules part (after _read). VARS: true when the
# script requires "variables" (then "${" of user text is escaped).
xexec_rules_sieve() {
	$_ru_active || return 0
	_v=0
	! $1 || _v=1
	printf '\n# Rules, in their order.\n'
	! $_ru_vars || printf 'set "xexec_stop" "";\n'
	LC_ALL=C awk -v vars="$_v" -v stopvar="$($_ru_vars && echo 1 || echo 0)" -v mime="$_ru_mime" '
	function esc(s,    o, i, c) {
		o = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "\\" || c == "\"") o = o "\\"
			o = o c
		}
		if (vars) {
			s = o; o = ""
			while ((i = index(s, "${")) > 0) {
				o = o substr(s, 1, i - 1) "${xexec_d}{"
				s = substr(s, i + 2)
			}
			o = o s
		}
		return "\"" o "\""
	}
	# :matches pattern text: the wildcards (all when ALL, else only "\") taken literally.
	function pat(s, all,    o, i, c) {
		o = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "\\" || (all && (c == "*" || c == "?"))) o = o "\\"
			o = o c
		}
		return o
	}
	function word(s,    i) {
		i = index(s, " ")
		if (i == 0) { w = s; r = ""; return }
		w = substr(s, 1, i - 1)
		r = substr(s, i + 1)
	}
	# The comparison: sets mt (the match type) and returns the key.
	function key(o, v) {
		if (o == "contains") { mt = ":contains"; return esc(v) }
		if (o == "is") { mt = ":is"; return esc(v) }
		mt = ":matches"
		if (o == "begins") return esc(pat(v, 1) "*")
		if (o == "ends") return esc("*" pat(v, 1))
		return esc(pat(v, 0))
	}
	function test(s,    neg, t, f, k) {
		neg = ""
		word(s)
		if (w == "not") { neg = "not "; word(r) }
		t = w; s = r
		if (t == "size") {
			word(s)
			if ((w != "over" && w != "under") || r !~ /^[0-9]+$/) return ""
			return neg "size :" w " " r
		}
		if (t == "attachment") {
			if (mime == "yes")
				return neg "anyof (header :mime :anychild :type :is \"content-disposition\" \"attachment\",\n      header :mime :anychild :param \"filename\" :matches \"content-disposition\" \"?*\",\n      header :mime :anychild :param \"name\" :matches \"content-type\" \"?*\")"
			return neg "header :contains \"content-type\" \"multipart/mixed\""
		}
		if (t == "body") {
			word(s)
			return neg "body :text :contains " esc(r)
		}
		if (t == "header") {
			word(s); f = w; s = r
			if (f !~ /^[!-9;-~]+$/) return ""
			word(s); k = key(w, r)
			return neg "header " mt " " esc(f) " " k
		}
		word(s); k = key(w, r)
		if (t == "from" || t == "to" || t == "cc" || t == "subject") return neg "header " mt " \"" t "\" " k
		if (t == "to-or-cc") return neg "header " mt " [\"to\", \"cc\"] " k
		if (t == "sender-domain") return neg "address :domain " mt " \"from\" " k
		if (t == "recipient-domain") return neg "address :domain " mt " [\"to\", \"cc\"] " k
		return ""
	}
	function flush(    i, n, tests, a, head, q) {
		if (id == "") return
		n = 0
		for (i = 1; i <= nif; i++) { q = test(ifs[i]); if (q != "") tests[++n] = q }
		if (n == 0 || ndo == 0) { id = ""; return }
		printf "\n# Rule %s\n", id
		if (stopvar) head = "allof (string :is \"${xexec_stop}\" \"\", " (match_ == "any" ? "anyof" : "allof") " ("
		else head = (match_ == "any" ? "anyof" : "allof") " ("
		printf "if %s", head
		for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? ",\n    " : ""), tests[i]
		printf ")%s {\n", (stopvar ? ")" : "")
		# Flags first: fileinto and the implicit keep take the flags set then.
		for (i = 1; i <= ndo; i++) if (dos[i] == "read") printf "  addflag \"\\\\Seen\";\n"
		for (i = 1; i <= ndo; i++) if (dos[i] == "flag") printf "  addflag \"\\\\Flagged\";\n"
		for (i = 1; i <= ndo; i++) {
			word(dos[i])
			if (w == "copy") printf "  fileinto :copy :create %s;\n", esc(r)
		}
		for (i = 1; i <= ndo; i++) {
			word(dos[i])
			if (w == "move") printf "  fileinto :create %s;\n", esc(r)
		}
		for (i = 1; i <= ndo; i++) {
			word(dos[i])
			if (w == "forward" && r ~ /^[^ @"\\]+@[a-z0-9.-]+$/) printf "  redirect :copy %s;\n", esc(r)
		}
		# Deleted is gone: no later rule, no forwarding, no automatic reply.
		for (i = 1; i <= ndo; i++) if (dos[i] == "delete") printf "  discard;\n  stop;\n"
		if (stop == "yes" && stopvar) printf "  set \"xexec_stop\" \"1\";\n"
		printf "}\n"
		id = ""
	}
	/^rule / { flush(); id = $2; nif = 0; ndo = 0; match_ = "all"; stop = "no"; next }
	/^match / { match_ = $2; next }
	/^stop / { stop = $2; next }
	/^if / { ifs[++nif] = substr($0, 4); next }
	/^do / { dos[++ndo] = substr($0, 4); next }
	END { flush() }
	' "$_ru_file"
}
