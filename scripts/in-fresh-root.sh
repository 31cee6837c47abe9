#!/bin/sh
# Runs a command in a throwaway copy of a Debian root made by scripts/debian-root.sh:
#
#   sh scripts/in-fresh-root.sh ROOT [--bind DIR]... -- COMMAND [ARG]...
#
# The copy is an overlayfs whose lower layer is the cached root and whose upper layer is a temp
# folder ($TMPDIR), so the command may install packages, add users and edit /etc without touching
# the cache, and every run starts from the same fresh root. The overlay, /proc, /dev and every
# --bind folder (at the same path inside as outside) are mounted in a private mount namespace, and
# the command runs as the first process of its own pid namespace: when it exits, or when this
# script's unshare is killed, the kernel kills everything it left running and the mounts vanish.
# The temp folder is removed afterwards. Loopback is shared with the host. Needs root.
set -eu

root=${1:?usage: in-fresh-root.sh ROOT [--bind DIR]... -- COMMAND [ARG]...}
shift
binds=""
while [ $# -gt 0 ]; do
	case "$1" in
	--bind)
		binds="$binds
$2"
		shift 2
		;;
	--) shift; break ;;
	*) echo "in-fresh-root: unexpected '$1' (want --bind DIR or --)" >&2; exit 2 ;;
	esac
done
[ $# -gt 0 ] || { echo "in-fresh-root: no command" >&2; exit 2; }
[ -f "$root/.xexec-root" ] || { echo "in-fresh-root: $root is not a root made by scripts/debian-root.sh" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "in-fresh-root: needs root (overlayfs, namespaces, chroot)" >&2; exit 1; }

layer=$(mktemp -d "${TMPDIR:-/tmp}/xexec-fresh-root.XXXXXX")
# --one-file-system: should a mount ever be visible here, rm stops at it instead of following
# the /dev bind into the host's /dev.
trap 'rm -rf --one-file-system "$layer"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
mkdir "$layer/upper" "$layer/work" "$layer/merged"

rc=0
XEXEC_LOWER=$root XEXEC_LAYER=$layer XEXEC_BINDS=$binds \
	unshare --mount --pid --kill-child --propagation private sh -eu -c '
	m=$XEXEC_LAYER/merged
	mount -t overlay overlay \
		-o "lowerdir=$XEXEC_LOWER,upperdir=$XEXEC_LAYER/upper,workdir=$XEXEC_LAYER/work" "$m"
	mount -t proc proc "$m/proc"
	mount --rbind /dev "$m/dev"
	printf "%s\n" "$XEXEC_BINDS" | while IFS= read -r dir; do
		[ -n "$dir" ] || continue
		mkdir -p "$m$dir"
		mount --bind "$dir" "$m$dir"
	done
	unset XEXEC_LOWER XEXEC_LAYER XEXEC_BINDS
	exec chroot "$m" "$@"
' in-fresh-root "$@" || rc=$?
exit "$rc"
