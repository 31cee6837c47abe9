#!/bin/sh
# A cached Debian root of the *other* release (Debian 12 <-> 13), for testing against the Dovecot
# (and Thunderbird) that this machine's release does not ship. Built once with debootstrap from
# Debian's own registry, then reused.
#
#   sh scripts/debian-root.sh path [12|13]     print where the root is (built or not)
#   sh scripts/debian-root.sh ensure [12|13]   build it if missing, print its path
#   sh scripts/debian-root.sh release          print the other release's version number (12 or 13)
#
# Without a release number, the root is of the other release; with one, of that release (the
# package test installs into a root of each release).
#
# The root is only ever used through scripts/in-root.sh, which mounts /proc, /dev and the temp
# folder inside a private mount namespace: nothing stays mounted after a crash.
# Needs root (debootstrap, chroot). XEXEC_ROOTS overrides the cache folder.
set -eu

cache=${XEXEC_ROOTS:-/var/cache/xexec-test}
# What the server suite needs inside the root: Dovecot with Sieve and LMTP, and a compiler for the
# plugin. Dependencies of the reference modules (awk, flock, stat, ...) are in every minbase.
# Dovecot's sql and ldap drivers and the database clients: the password back ends' tests run the
# other Dovecot (and the module, with psql, mariadb or ldappasswd) in the root against servers
# that run natively on loopback; no server is installed in the root.
packages="dovecot-imapd,dovecot-dev,dovecot-sieve,dovecot-lmtpd,gcc,make,libc6-dev,procps,dovecot-pgsql,dovecot-mysql,dovecot-ldap,postgresql-client,mariadb-client,ldap-utils"

this_release() {
	# /etc/debian_version is "12.11" on bookworm, "13.2" (or "trixie/sid" before release) on trixie.
	v=$(cut -d. -f1 /etc/debian_version)
	case "$v" in
	12 | 13) echo "$v" ;;
	*)
		. /etc/os-release
		case "${VERSION_CODENAME:-}" in
		bookworm) echo 12 ;;
		trixie) echo 13 ;;
		*) echo "debian-root: unsupported Debian release '$v' (12 and 13 are supported)" >&2; exit 1 ;;
		esac
		;;
	esac
}

other_release() {
	case "$(this_release)" in
	12) echo 13 ;;
	13) echo 12 ;;
	esac
}

codename() {
	case "$1" in
	12) echo bookworm ;;
	13) echo trixie ;;
	esac
}

# The Debian mirror apt already uses (deb822 or one-line sources), so nothing new is reached.
mirror() {
	m=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
		grep -v security | head -n 1 | tr -d ' ') || true
	echo "${m:-http://deb.debian.org/debian}"
}

# The release a root is for: the argument, else the other one.
target=""
target_release() {
	if [ -n "$target" ]; then echo "$target"; else other_release; fi
}

root_path() {
	echo "$cache/debian-$(target_release)"
}

ensure() {
	root=$(root_path)
	stamp="$root/.xexec-root"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$packages" ]; then
		echo "$root"
		return
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "debian-root: building the Debian $(target_release) root needs root (debootstrap, chroot)." >&2
		exit 1
	fi
	command -v debootstrap >/dev/null || {
		echo "debian-root: debootstrap is missing: apt-get install debootstrap" >&2
		exit 1
	}
	mkdir -p "$cache"
	# One builder at a time; the others wait and then find it built.
	exec 9>"$cache/.lock"
	flock 9
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$packages" ]; then
		echo "$root"
		return
	fi
	tmp="$root.tmp.$$"
	rm -rf "$tmp"
	trap 'rm -rf "$tmp"' EXIT INT TERM
	echo "debian-root: building a Debian $(target_release) root in $root (about a minute, once)" >&2
	debootstrap --variant=minbase --include="$packages" "$(codename "$(target_release)")" "$tmp" "$(mirror)" >"$cache/debootstrap.log" 2>&1 || {
		echo "debian-root: debootstrap failed; the last lines of $cache/debootstrap.log:" >&2
		tail -n 20 "$cache/debootstrap.log" >&2
		exit 1
	}
	# Dovecot's package starts nothing in a chroot, but its default config must not be used by
	# accident: every test server brings its own.
	echo "$packages" >"$tmp/.xexec-root"
	rm -rf "$root"
	mv "$tmp" "$root"
	trap - EXIT INT TERM
	echo "$root"
}

case "${2:-}" in
"") ;;
12 | 13) target=$2 ;;
*) echo "debian-root: release must be 12 or 13, not '$2'" >&2; exit 2 ;;
esac

case "${1:-}" in
path) root_path ;;
ensure) ensure ;;
release) other_release ;;
this-release) this_release ;;
*)
	echo "usage: sh scripts/debian-root.sh path|ensure [12|13] | release | this-release" >&2
	exit 2
	;;
esac
