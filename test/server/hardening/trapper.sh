#!/bin/sh
# Test module: trapper.sh <user> <marker> <file> [--ignore-term] [--flood]
# Creates <file> and removes it in a SIGTERM trap, as the reference modules
# remove their temp copies; then sleeps (or, with --flood, writes until it is
# killed). With --ignore-term it ignores SIGTERM (and so does everything it
# starts), so only SIGKILL ends it. <marker> lets the test find it.
set -eu
shift # the user
file=$2
shift 2
ignore=0
flood=0
for opt in "$@"; do
	case $opt in
	--ignore-term) ignore=1 ;;
	--flood) flood=1 ;;
	esac
done
if [ $ignore -eq 1 ]; then
	trap '' TERM
else
	trap 'rm -f "$file"; exit 143' TERM
fi
# The work runs in the background and the shell waits with the wait
# builtin, which a trapped signal interrupts at once. (A shell runs a trap
# only after its foreground command has ended: a SIGTERM that arrived just
# before "sleep 3600" was started in the foreground would wait an hour.)
if [ $flood -eq 1 ]; then
	yes 'flooding the reply until the server stops it' &
else
	sleep 3600 &
fi
: >"$file"
wait $!
