#!/bin/sh
# whitelist.sh - XEXEC "whitelist" module (docs/PROTOCOL.md §6.1).
# Configure as: xexec = whitelist:/usr/local/dovecot/whitelist.sh %u
# The implementation, shared with the other list, is in lib/addrlist.sh.
set -eu
XEXEC_LIBDIR=$(readlink -f -- "$0") && XEXEC_LIBDIR=${XEXEC_LIBDIR%/*}/lib || exit 1
. "$XEXEC_LIBDIR/xexec-common.sh"
. "$XEXEC_LIBDIR/addrlist.sh"
addrlist_main whitelist "$@"
