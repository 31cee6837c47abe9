#!/bin/sh
# Runs a command in a throwaway copy of a Debian root made by scripts/debian-root.sh:
#
#   sh scripts/in-fresh-root.sh ROOT [--bind DIR]... -- COMMAND [ARG]...
#
# The copy is an overlayfs whose lower layer is the cached root and whose upper layer is a tmpfs
# (mounted on a temp folder in $TMPDIR), so the command may install packages, add users and edit
# /etc without touching the cache, and every run starts from the same fresh root. A tmpfs, not the
# temp folder itself: where /tmp is an overlayfs already (a container's root), the kernel refuses
# it as an upper layer. The overlay, /proc, /dev and every
# --bind folder (at the same path inside as outside) are mounted in a private mount namespace, and
# the command runs as the first process of its own pid namespace: when it exits, or when this
# script's unshare is killed, the kernel kills everything it left running and the mounts vanish.
# The temp folder is removed afterwards. Loopback is shared with the host. Needs root.
set -eu

root=${1:?usage: in-fresh-root.sh ROOT [--bind DIR]... -- COMMAND [ARG]...}
shift
[ -f "$root/.xexec-root" ] || { echo "in-fresh-root: $root is not a root made by scripts/debian-root.sh" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "in-fresh-root: needs root (overlayfs, namespaces, chroot)" >&2; exit 1; }
in_root=$(dirname "$0")/in-root.sh

layer=$(mktemp -d "${TMPDIR:-/tmp}/xexec-fresh-root.XXXXXX")
# --one-file-system: should a mount ever be visible here, rm stops at it instead of following
# the /dev bind into the host's /dev.
trap 'rm -rf --one-file-system "$layer"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# The overlay is mounted in this namespace; in-root.sh (which parses the rest of the arguments)
# mounts /proc, /dev and the --bind folders into it in a namespace of its own and chroots.
rc=0
XEXEC_LOWER=$root XEXEC_LAYER=$layer XEXEC_IN_ROOT=$in_root \
	unshare --mount --pid --kill-child --propagation private sh -eu -c '
	mount -t tmpfs -o mode=0700 xexec-fresh-root "$XEXEC_LAYER"
	mkdir "$XEXEC_LAYER/upper" "$XEXEC_LAYER/work" "$XEXEC_LAYER/merged"
	m=$XEXEC_LAYER/merged
	mount -t overlay overlay \
		-o "lowerdir=$XEXEC_LOWER,upperdir=$XEXEC_LAYER/upper,workdir=$XEXEC_LAYER/work" "$m"
	in_root=$XEXEC_IN_ROOT
	unset XEXEC_LOWER XEXEC_LAYER XEXEC_IN_ROOT
	exec sh "$in_root" "$m" "$@"
' in-fresh-root "$@" || rc=$?
exit "$rc"
