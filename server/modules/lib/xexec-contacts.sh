# xexec-contacts.sh - the trusted contacts ("trust my contacts", PROTOCOL.md
# §6.5): $HOME/.xexec/contacts, the addresses of the address books the user
# trusts, one a line, sorted and unique. The spam module allows them like
# whitelist entries; the alerts module can alert on them. Both offer the same
# `contacts list|set|clear` command, this one.
#
# Sourced by xexec-common.sh.

# xexec_contacts_command SHOW [list|set|clear] [<address>...] - runs the
# command and exits: `list` prints the contacts; `set` (every address checked
# first: one invalid refuses all, exit 2) and `clear` replace them, then call
# SHOW (the module's state printer, with XDIR set).
xexec_contacts_command() {
	_cshow=$1
	shift
	_csub=${1:-}
	[ $# -eq 0 ] || shift
	case $_csub in
	list)
		[ $# -eq 0 ] || xexec_usage "The contacts list command takes no arguments"
		case ${HOME:-} in /?*) ;; *) exit 0 ;; esac
		xexec_check_step
		[ ! -f "${HOME%/}/.xexec/contacts" ] || cat -- "${HOME%/}/.xexec/contacts"
		exit 0
		;;
	set) [ $# -ge 1 ] || xexec_usage "Give at least one address to contacts set (or use contacts clear)" ;;
	clear) [ $# -eq 0 ] || xexec_usage "The contacts clear command takes no arguments" ;;
	*) xexec_usage "Use contacts list, contacts set <address>... or contacts clear" ;;
	esac
	for _ca in "$@"; do
		case $_ca in
		*"$XEXEC_NL"*) xexec_usage "'$(xexec_short "$_ca")' is not a valid e-mail address; nothing was changed" ;;
		esac
	done
	xexec_init_state # takes the lock
	: >"$XTMP/contacts"
	if [ "$_csub" = set ]; then
		printf '%s\n' "$@" >"$XTMP/args"
		if ! xexec_normalize_entries address <"$XTMP/args" >"$XTMP/entries" 2>"$XTMP/bad"; then
			_cn=$(cat "$XTMP/bad")
			case $_cn in '' | *[!0-9]*) xexec_fail "Could not check the addresses" ;; esac
			_ci=0
			for _ca in "$@"; do
				_ci=$((_ci + 1))
				[ "$_ci" -eq "$_cn" ] && break
			done
			xexec_usage "'$(xexec_short "$_ca")' is not a valid e-mail address; nothing was changed"
		fi
		LC_ALL=C sort -u "$XTMP/entries" >"$XTMP/contacts"
	fi
	xexec_commit contacts "$XTMP/contacts"
	"$_cshow"
	exit 0
}
