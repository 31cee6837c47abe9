#!/bin/sh
# Test module: waitgo.sh <user> <marker> <go-file> [LINE...]
# Waits until <go-file> exists (the test creates it once the state it wants
# to provoke is reached), then prints each LINE and exits 0. <marker> is only
# there so the test can find this process (and its pid) in /proc.
set -eu
shift # the user
shift # the marker
go=$1
shift
while [ ! -e "$go" ]; do
	sleep 0.02
done
for line in "$@"; do
	printf '%s\n' "$line"
done
