# addrlist.sh - the blacklist and whitelist modules (PROTOCOL.md §6.1).
#
#   <module> list                  -> one entry per line, sorted
#   <module> add <entry> [...]     -> "added <entry>" or "exists <entry>" each
#   <module> del <entry> [...]     -> "removed <entry>" or "absent <entry>" each
#
# State: $HOME/.xexec/<list>, one normalized entry per line, sorted in byte
# order (LC_ALL=C), unique. Every argument is checked before anything
# changes. Lists of 100,000 entries are handled by whole-file tools (awk
# hashes, sort -u), never by per-entry shell loops over the list.

# addrlist_main LISTNAME "$@"
addrlist_main() {
	_list=$1
	shift
	xexec_take_options xexec_no_options "$@"
	shift "$XEXEC_NOPT"
	[ $# -ge 1 ] || xexec_usage "Usage: $_list.sh [--option=value ...] <user> list|add|del [<entry> ...]"
	xexec_set_user "$1"
	shift
	[ $# -gt 0 ] || xexec_read_stdin_args
	eval "set -- \"\$@\" $(xexec_env_arg_refs)"
	[ $# -ge 1 ] || xexec_usage "Missing command: use list, add or del"
	_cmd=$1
	shift

	case $_cmd in
	list)
		[ $# -eq 0 ] || xexec_usage "The list command takes no arguments"
		# Reading needs no lock: the file is only ever replaced by rename.
		case ${HOME:-} in /?*) ;; *) exit 0 ;; esac
		xexec_check_step
		_f=${HOME%/}/.xexec/$_list
		if [ -f "$_f" ]; then
			cat -- "$_f" || xexec_fail "Could not read the $_list"
		fi
		exit 0
		;;
	add | del) ;;
	*) xexec_usage "Unknown command '$(xexec_short "$_cmd")': use list, add or del" ;;
	esac

	[ $# -ge 1 ] || xexec_usage "Give at least one address or @domain to $_cmd"

	# One value a line below, so a value with a line break is refused here.
	for _a in "$@"; do
		case $_a in
		*"$XEXEC_NL"*)
			xexec_usage "'$(xexec_short "$_a")' is not a valid address or @domain entry; nothing was changed"
			;;
		esac
	done

	xexec_init_state # takes the lock
	printf '%s\n' "$@" >"$XTMP/args"
	if ! xexec_normalize_entries entry <"$XTMP/args" >"$XTMP/entries" 2>"$XTMP/bad"; then
		_n=$(cat "$XTMP/bad")
		case $_n in '' | *[!0-9]*) xexec_fail "Could not check the entries" ;; esac
		_i=0
		for _a in "$@"; do
			_i=$((_i + 1))
			[ "$_i" -eq "$_n" ] && break
		done
		xexec_usage "'$(xexec_short "$_a")' is not a valid address or @domain entry; nothing was changed"
	fi

	_cur=$XDIR/$_list
	[ -f "$_cur" ] || _cur=/dev/null
	_rc=0

	if [ "$_cmd" = add ]; then
		# Report per argument, in order; an entry given twice is "added"
		# once and "exists" after that. New entries go to $XTMP/new.
		LC_ALL=C awk -v out="$XTMP/new" '
			phase == 1 { have[$0] = 1; next }
			($0 in have) { print "exists " $0; next }
			{ have[$0] = 1; print "added " $0; print $0 > out; n++ }
			END { exit n == 0 ? 10 : 0 }
		' phase=1 "$_cur" phase=2 "$XTMP/entries" >"$XTMP/report" || _rc=$?
	else
		# Keep the list minus the entries; report per argument in order.
		LC_ALL=C awk -v out="$XTMP/new" -v report="$XTMP/report" '
			phase == 1 { order[++k] = $0; del[$0] = 1; next }
			($0 in del) { gone[$0] = 1; next }
			{ print $0 > out }
			END {
				printf "" > out
				for (i = 1; i <= k; i++) {
					e = order[i]
					if ((e in gone) && !(e in told)) { print "removed " e > report; told[e] = 1; n++ }
					else print "absent " e > report
				}
				exit n == 0 ? 10 : 0
			}
		' phase=1 "$XTMP/entries" phase=2 "$_cur" || _rc=$?
	fi
	case $_rc in
	0) ;;
	10)
		# Nothing changes: no need to touch the list or the filter.
		cat -- "$XTMP/report"
		exit 0
		;;
	*) xexec_fail "Could not update the $_list; nothing was changed" ;;
	esac

	if [ "$_cmd" = add ]; then
		LC_ALL=C sort -u -- "$_cur" "$XTMP/new" >"$XTMP/list" ||
			xexec_fail "Could not update the $_list; nothing was changed"
	else
		# The remaining lines kept their sorted order.
		mv -f -- "$XTMP/new" "$XTMP/list"
	fi
	xexec_commit "$_list" "$XTMP/list"
	cat -- "$XTMP/report"
}
