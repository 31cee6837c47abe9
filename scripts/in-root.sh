#!/bin/sh
# Runs a command inside a Debian root made by scripts/debian-root.sh:
#
#   sh scripts/in-root.sh ROOT [--bind DIR]... [--bind-at DIR INSIDE]... -- COMMAND [ARG]...
#
# /proc, /dev and every --bind folder (at the same path inside as outside, so a test's temp folder
# has one name for both sides) are mounted in a private mount namespace of the command; --bind-at
# mounts DIR over the root's existing folder INSIDE (a test server's own Dovecot settings modules
# over /usr/lib/dovecot/modules/settings, a path compiled into Dovecot 2.4). ROOT "/" means this
# machine itself: only the --bind-at mounts are made, in a private namespace, and nothing is
# chrooted (a Debian 13 host's own Dovecot 2.4 with a test server's settings modules). They
# disappear with its last process, also when it crashes or is killed: the cached root never keeps a
# mount, and the host never sees one. Loopback is shared with the host. Needs root.
set -eu

root=${1:?usage: in-root.sh ROOT [--bind DIR]... [--bind-at DIR INSIDE]... -- COMMAND [ARG]...}
shift
binds=""
overs=""
while [ $# -gt 0 ]; do
	case "$1" in
	--bind)
		# Folders with newlines in their names are not supported (nor made by mkdtemp).
		binds="$binds
$2"
		shift 2
		;;
	--bind-at)
		[ $# -ge 3 ] || { echo "in-root: --bind-at needs DIR and INSIDE" >&2; exit 2; }
		overs="$overs
$2
$3"
		shift 3
		;;
	--) shift; break ;;
	*) echo "in-root: unexpected '$1' (want --bind DIR, --bind-at DIR INSIDE or --)" >&2; exit 2 ;;
	esac
done
[ $# -gt 0 ] || { echo "in-root: no command" >&2; exit 2; }
[ "$root" = / ] || [ -f "$root/.xexec-root" ] || { echo "in-root: $root is not a root made by scripts/debian-root.sh" >&2; exit 2; }

# The inner script gets the root and the bind list through the environment, then execs the
# command with its own argv untouched.
XEXEC_ROOT=$root XEXEC_BINDS=$binds XEXEC_OVERS=$overs exec unshare --mount --propagation private sh -eu -c '
	if [ "$XEXEC_ROOT" = / ]; then
		XEXEC_ROOT="" XEXEC_BINDS=""
	else
		mount -t proc proc "$XEXEC_ROOT/proc"
		mount --rbind /dev "$XEXEC_ROOT/dev"
	fi
	printf "%s\n" "$XEXEC_BINDS" | while IFS= read -r dir; do
		[ -n "$dir" ] || continue
		mkdir -p "$XEXEC_ROOT$dir"
		mount --bind "$dir" "$XEXEC_ROOT$dir"
	done
	printf "%s\n" "$XEXEC_OVERS" | while IFS= read -r dir; do
		[ -n "$dir" ] || continue
		IFS= read -r inside
		# Only over what the root already has: the cached root gains no new folders.
		[ -d "$XEXEC_ROOT$inside" ] || { echo "in-root: $inside is not a folder in $XEXEC_ROOT" >&2; exit 2; }
		mount --bind "$dir" "$XEXEC_ROOT$inside"
	done
	unset XEXEC_BINDS XEXEC_OVERS
	root=$XEXEC_ROOT
	unset XEXEC_ROOT
	[ -n "$root" ] || exec "$@"
	exec chroot "$root" "$@"
' in-root "$@"
