#!/bin/sh
# Test module: burn.sh <user> uses CPU until something stops it.
while :; do :; done
