#!/bin/sh
# Test module: newlines.sh <user> <N> [LINE] writes N lines: bare newlines,
# or LINE followed by a newline each.
set -eu
shift # the user
n=$1
if [ $# -ge 2 ]; then
	yes "$2" | head -n "$n"
else
	head -c "$n" /dev/zero | tr '\000' '\n'
fi
