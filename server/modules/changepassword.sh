#!/bin/sh
# changepassword.sh - XEXEC "changepassword" module (docs/PROTOCOL.md §6.2).
# Configure as:
#   xexec = changepassword:/usr/local/dovecot/changepassword.sh [--config=/etc/dovecot/xexec-password.conf] [--key=value ...] %u
# with its arguments on standard input (xexec_args_on_stdin = changepassword):
#
#   changepassword                        -> "current-password required|optional", "min-length N"
#   changepassword <new-password>         -> "Password changed"
#   changepassword <current> <new>        -> "Password changed"
#
# The configuration file (root's, `key = value` lines, `#` comments) and the
# --key=value words (which win for the same key) choose the password back end,
# the *driver* (passwd-file, sql, ldap: lib/xexec-password-*.sh), the hash
# scheme and the policy; docs/SERVER.md "Password back ends". The common part
# (policy, hashing, login checks through Dovecot) is lib/xexec-password.sh.
#
# The password never appears on any command line or in any environment:
# `doveadm pw` and `doveadm auth test` read it from standard input when stdin
# is not a tty (Dovecot's askpass(): byte by byte up to LF or CR), and printf
# is a shell builtin. Neither it nor its hash is ever printed or logged.
set -eu
XEXEC_LIBDIR=$(readlink -f -- "$0") && XEXEC_LIBDIR=${XEXEC_LIBDIR%/*}/lib || exit 1
. "$XEXEC_LIBDIR/xexec-common.sh"
. "$XEXEC_LIBDIR/xexec-password.sh"

xexec_take_options pw_argv_option "$@"
shift "$XEXEC_NOPT"
pw_configure

[ $# -ge 1 ] || xexec_usage "Usage: changepassword.sh [--option=value ...] <user> [[<current-password>] <new-password>]"
xexec_set_user "$1"
shift
[ $# -gt 0 ] || xexec_read_stdin_args
eval "set -- \"\$@\" $(xexec_env_arg_refs)"
# Nothing this module starts needs the passwords in its environment.
unset XEXEC_ARG1 XEXEC_ARG2 XEXEC_ARGC XEXEC_SARG1 XEXEC_SARG2 XEXEC_SARGC

case $# in
0)
	pw_describe
	exit 0
	;;
1)
	current_pw=''
	pw=$1
	;;
2)
	current_pw=$1
	pw=$2
	;;
*) xexec_usage "Give the new password, or the current and the new password" ;;
esac
set --

# Refusals (PROTOCOL.md §6.2), all before anything is touched.
if [ -z "$current_pw" ] && [ "$(pw_needs_current)" = required ]; then
	xexec_usage "Give your current password too"
fi
pw_policy
pw_check_current
# Hash first (the slow part), before the driver takes any lock.
pw_hash
"pw_${pw_id}_change"
hash=''
pw_check_new
echo "Password changed"
