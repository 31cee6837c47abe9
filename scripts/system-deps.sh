#!/bin/sh
# Makes sure the Debian packages the build and the tests need are present.
# As root it installs what is missing with apt-get; otherwise it names the
# exact command to run and fails.
set -eu

# debootstrap and mount: the other Debian release's Dovecot runs from a cached root (scripts/debian-root.sh).
# python3: imaplib is one of the IMAP clients the server suite checks replies with.
# iproute2: ss, which the output-lock tests read socket queues with.
packages="dovecot-imapd dovecot-dev dovecot-sieve dovecot-lmtpd gcc make libc6-dev valgrind procps util-linux mount iproute2 debootstrap python3 thunderbird xvfb xauth openssl"

missing=""
for package in $packages; do
	if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $package"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "Missing Debian packages:$missing" >&2
	echo "Install them with: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi

echo "Installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # the list is meant to split into words
apt-get install -y -q --no-install-recommends $missing
