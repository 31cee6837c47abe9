#!/bin/sh
# Test module: stdinargs.sh <user> [ARG...] prints what it was given, one
# fact a line: "argc=<number of words after the user>", "env=<number of
# XEXEC_ARG* variables>", then "stdin=<hex of everything on stdin>".
set -eu
shift # the user
printf 'argc=%s\n' "$#"
printf 'env=%s\n' "$(env | grep -c '^XEXEC_ARG' || true)"
printf 'stdin=%s\n' "$(od -An -v -tx1 | tr -d ' \n')"
