# xexec-state.sh - committing a change: the state file and the Sieve script
# generated from all state, and keeping the two in step when a module was
# killed between them.
#
# Sourced by xexec-common.sh.

# xexec_commit NAME NEWFILE
# NAME is one of blacklist, whitelist, forward, vacation, spam, contacts, alerts, rules, or "none" (only
# regenerate the script, for xexec_repair). Regenerates the Sieve script from
# all state, with NAME's state taken from NEWFILE, and checks that it
# compiles before anything is replaced: if it does not, the state and the
# script stay as they were and we exit 1.
#
# The state file and the script are two renames. The script records a stamp
# of the state it was made from (xexec_state_stamp), so a module killed
# between the two is noticed and repaired by the next command (xexec_repair).
xexec_commit() {
	_bl=$XDIR/blacklist _wl=$XDIR/whitelist _fw=$XDIR/forward _va=$XDIR/vacation _sp=$XDIR/spam
	_ct=$XDIR/contacts _al=$XDIR/alerts _ru=$XDIR/rules
	case $1 in
	blacklist) _bl=$2 ;;
	whitelist) _wl=$2 ;;
	forward) _fw=$2 ;;
	vacation) _va=$2 ;;
	spam) _sp=$2 ;;
	contacts) _ct=$2 ;;
	alerts) _al=$2 ;;
	rules) _ru=$2 ;;
	none) ;;
	*) xexec_fail "Internal error: unknown state $1" ;;
	esac
	_stamp=$(xexec_state_stamp_of "$_bl" "$_wl" "$_fw" "$_va" "$_sp" "$_ct" "$_al" "$_ru")
	# Not in an `||` list: that would switch off set -e inside the generator,
	# and a failing step could leave a shortened but valid script.
	xexec_sieve_generate "$_bl" "$_wl" "$_fw" "$_va" "$_sp" "$_ct" "$_stamp" "$_al" "$_ru" >"$XTMP/xexec.sieve"
	if ! sievec "$XTMP/xexec.sieve" "$XTMP/check.svbin" 2>"$XTMP/sievec.err"; then
		# Keep sievec's own words in the log-only part of stderr.
		sed 's/^/sievec: /' "$XTMP/sievec.err" >&2
		if grep -q 'too large' "$XTMP/sievec.err"; then
			xexec_fail "The mail filter would exceed the server's Sieve size limit (sieve_max_script_size); nothing was changed"
		fi
		if grep -q 'spamtest' "$XTMP/sievec.err"; then
			xexec_fail "This server's spam scanner is not connected to Sieve (spamtest), so a spam level cannot be set; nothing was changed"
		fi
		xexec_fail "The mail filter could not be compiled; nothing was changed"
	fi
	if [ "$1" != none ]; then
		mv -f -- "$2" "$XDIR/$1" || xexec_fail "Could not save your settings; nothing was changed"
	fi
	mv -f -- "$XTMP/xexec.sieve" "$XDIR/xexec.sieve" ||
		xexec_fail "Your settings were saved but the mail filter could not be replaced"
	# Compile again under the final name: a binary records its script's path
	# (Pigeonhole checks it when loading), so one compiled from the temporary
	# name could be thrown away and recompiled at every delivery.
	if ! sievec "$XDIR/xexec.sieve" "$XDIR/xexec.svbin" 2>"$XTMP/sievec.err"; then
		sed 's/^/sievec: /' "$XTMP/sievec.err" >&2
		rm -f -- "$XDIR/xexec.svbin"
		xexec_fail "Your settings were saved but the mail filter could not be compiled"
	fi
}

# xexec_state_stamp_of BL WL FW VA SPAM CONTACTS ALERTS RULES - the stamp of
# the state files; the spam, alerts and rules modules' are left out while
# missing, so that scripts made before those modules existed stay in step.
xexec_state_stamp_of() {
	_n=0
	for _f in "$@"; do
		_n=$((_n + 1))
		if [ -f "$_f" ]; then cksum <"$_f"; elif [ "$_n" -le 4 ]; then echo -; fi
	done | cksum
}

# xexec_state_stamp FILE... - one line that changes whenever one of the
# state files changes (cksum of each, or "-" for a missing one).
xexec_state_stamp() {
	for _f in "$@"; do
		if [ -f "$_f" ]; then cksum <"$_f"; else echo -; fi
	done | cksum
}

# xexec_in_step - true when xexec.sieve was generated from the state files
# as they are now (or there is neither state nor script).
xexec_in_step() {
	_now=$(xexec_state_stamp_of "$XDIR/blacklist" "$XDIR/whitelist" "$XDIR/forward" "$XDIR/vacation" \
		"$XDIR/spam" "$XDIR/contacts" "$XDIR/alerts" "$XDIR/rules")
	if [ -f "$XDIR/xexec.sieve" ]; then
		[ "$(sed -n -e 's/^# xexec-state //p' -e '8q' "$XDIR/xexec.sieve")" = "$_now" ]
		return
	fi
	[ ! -f "$XDIR/blacklist" ] && [ ! -f "$XDIR/whitelist" ] && [ ! -f "$XDIR/forward" ] &&
		[ ! -f "$XDIR/vacation" ] && [ ! -f "$XDIR/spam" ] && [ ! -f "$XDIR/contacts" ] &&
		[ ! -f "$XDIR/alerts" ] && [ ! -f "$XDIR/rules" ]
}

# xexec_repair - under the lock: when a module was killed between renaming a
# state file and renaming the script, make the script match the state again
# (the state is what `show` and `list` report). A repair that fails (the
# script no longer compiles under today's limits) is only logged; the next
# change tries again.
xexec_repair() {
	xexec_in_step && return 0
	printf '%s\n' "xexec: the mail filter did not match the stored settings; regenerating it" >&2
	# A subshell outside any `||` list, so that set -e still holds in it.
	set +e
	(
		set -e
		XEXEC_CLEAN=''
		xexec_commit none
	)
	set -e
}

# xexec_check_step - for read-only commands (show, list), which take no lock
# while all is well: repair under the lock when state and script differ.
xexec_check_step() {
	case ${HOME:-} in /?*) ;; *) return 0 ;; esac
	XDIR=${HOME%/}/.xexec
	[ -d "$XDIR" ] || return 0
	xexec_in_step || xexec_init_state
}

