#!/bin/sh
# The *other* Thunderbird ESR that Debian's registry offers for this release, for running the
# end-to-end tests on a second version WITHOUT installing it: the package is downloaded with
# `apt-get download` and unpacked with `dpkg -x` into a cache folder; the installed `thunderbird`
# package's dependencies (GTK, NSS, ...) serve the unpacked binary.
#
#   sh scripts/other-thunderbird.sh ensure        unpack it if missing, print the binary's path
#   sh scripts/other-thunderbird.sh package       print the package version it picks (apt's form)
#   sh scripts/other-thunderbird.sh app-version [BINARY]
#                                                 print a binary's Thunderbird version, e.g. 140.12.0
#                                                 (default: the installed Thunderbird)
#
# Which version: apt's newest `thunderbird` whose major version differs from the installed one
# (Debian 12: the installed one comes from bookworm-security, the other from bookworm main). No
# version is written down here: each release offers its own. When apt offers no other major
# version, `ensure` says so and fails.
#
# The unpacked tree is built once in a temp folder next to it and renamed into place, so a
# half-built one is never used; a folder of a version no longer offered is removed.
# Needs root for the cache folder; XEXEC_ROOTS overrides the cache folder.
set -eu

cache=${XEXEC_ROOTS:-/var/cache/xexec-test}
native=/usr/lib/thunderbird/thunderbird

this_release() {
	# /etc/debian_version is "12.11" on bookworm, "13.2" on trixie ("trixie/sid" before release).
	v=$(cut -d. -f1 /etc/debian_version 2>/dev/null || true)
	case "$v" in
	[0-9] | [0-9][0-9]) echo "$v" ;;
	*)
		# shellcheck disable=SC1091 # os-release is the system's
		. /etc/os-release
		echo "${VERSION_ID:-${VERSION_CODENAME:-unknown}}"
		;;
	esac
}

installed_version() {
	dpkg-query -W -f='${Status} ${Version}\n' thunderbird 2>/dev/null |
		awk '$1 == "install" && $3 == "installed" { print $4 }'
}

# 1:140.12.0esr-1~deb12u1 -> 140
major() {
	echo "$1" | sed -e 's/^[0-9]*://' -e 's/[^0-9].*$//'
}

# Every version apt offers, then the newest one whose major differs from $1's.
pick_other() {
	best=""
	for v in $(apt-cache madison thunderbird 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -u); do
		[ "$(major "$v")" != "$(major "$1")" ] || continue
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
	done
	echo "$best"
}

package_version() {
	inst=$(installed_version)
	if [ -z "$inst" ]; then
		echo "other-thunderbird: Thunderbird is not installed; its package's libraries serve the other version: apt-get install -y thunderbird" >&2
		exit 1
	fi
	other=$(pick_other "$inst")
	if [ -z "$other" ] && [ "$(id -u)" -eq 0 ]; then
		# The package lists may be missing or old (apt-cache knows nothing before the first update).
		apt-get update -q >/dev/null 2>&1 || true
		other=$(pick_other "$inst")
	fi
	if [ -z "$other" ]; then
		echo "other-thunderbird: apt offers no Thunderbird ESR but the installed $inst on Debian $(this_release) (apt-cache madison thunderbird); there is no second version to test here" >&2
		exit 1
	fi
	echo "$other"
}

# What a binary says it is, e.g. "140.12.0esr" (it reads its application.ini; no profile, no window).
binary_version() {
	HOME=/nonexistent "$1" --headless --version 2>/dev/null | sed -n 's/^Mozilla Thunderbird //p'
}

# The same without the "esr" suffix, e.g. "140.12.0": what Services.appinfo.version says, and the
# form test/e2e/thunderbird.ts's thunderbirdVersion() gives (for labels).
app_version() {
	binary_version "$1" | sed 's/[^0-9.].*$//'
}

# The unpacked binary really runs: it starts far enough to create a profile (libxul and the
# libraries it bundles loaded, XPCOM up) in a throwaway HOME. (ldd would mislead: the binary loads
# its own NSS from its folder, ldd looks at the system's.)
# (sh has no local variables: these names are used nowhere else.)
check_starts() {
	check_bin=$1 check_home=$2
	mkdir -p "$check_home"
	HOME=$check_home TMPDIR=$check_home XDG_CACHE_HOME=$check_home/cache XDG_CONFIG_HOME=$check_home/config \
		"$check_bin" --headless -CreateProfile "check $check_home/profile" >"$check_home/log" 2>&1 || {
		echo "other-thunderbird: $check_bin did not start:" >&2
		tail -n 20 "$check_home/log" >&2
		return 1
	}
	[ -d "$check_home/profile" ] || {
		echo "other-thunderbird: $check_bin started but made no profile" >&2
		return 1
	}
}

ensure() {
	version=$(package_version)
	# The epoch's colon is not wanted in a path.
	dir="$cache/thunderbird-$(echo "$version" | sed 's/^[0-9]*://')"
	bin="$dir/usr/lib/thunderbird/thunderbird"
	stamp="$dir/.xexec-thunderbird"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ] && [ -x "$bin" ]; then
		echo "$bin"
		return
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "other-thunderbird: unpacking Thunderbird $version into $cache needs root" >&2
		exit 1
	fi
	mkdir -p "$cache"
	# One builder at a time; the others wait and then find it built.
	exec 9>"$cache/.thunderbird.lock"
	flock 9
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ] && [ -x "$bin" ]; then
		echo "$bin"
		return
	fi
	tmp="$dir.tmp.$$"
	rm -rf "$tmp"
	trap 'rm -rf "$tmp"' EXIT INT TERM
	mkdir -p "$tmp/download"
	echo "other-thunderbird: unpacking Thunderbird $version into $dir (once)" >&2
	# apt downloads as its sandbox user _apt, which needs to write the folder.
	chown _apt "$tmp/download" 2>/dev/null || true
	(cd "$tmp/download" && apt-get download -q "thunderbird=$version" >"$tmp/apt.log" 2>&1) || {
		echo "other-thunderbird: apt-get download thunderbird=$version failed:" >&2
		tail -n 20 "$tmp/apt.log" >&2
		exit 1
	}
	mkdir "$tmp/root"
	dpkg -x "$tmp"/download/thunderbird_*.deb "$tmp/root"
	tmpbin="$tmp/root/usr/lib/thunderbird/thunderbird"
	got=$(binary_version "$tmpbin")
	case "$version" in
	*:"$got"-* | "$got"-*) ;;
	*) echo "other-thunderbird: the unpacked binary says version '$got', the package is $version" >&2; exit 1 ;;
	esac
	check_starts "$tmpbin" "$tmp/check"
	echo "$version" >"$tmp/root/.xexec-thunderbird"
	rm -rf "$dir"
	mv "$tmp/root" "$dir"
	rm -rf "$tmp"
	trap - EXIT INT TERM
	# Versions apt no longer offers, and temp folders of builders that died (the lock is ours, so
	# no other builder runs): they would only pile up.
	for old in "$cache"/thunderbird-*; do
		[ -d "$old" ] && [ "$old" != "$dir" ] || continue
		rm -rf "$old"
	done
	echo "$bin"
}

case "${1:-}" in
ensure) ensure ;;
package) package_version ;;
app-version) app_version "${2:-$native}" ;;
*)
	echo "usage: sh scripts/other-thunderbird.sh ensure | package | app-version [BINARY]" >&2
	exit 2
	;;
esac
