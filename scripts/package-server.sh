#!/bin/sh
# Builds the Debian package of the server side for the Dovecot whose dovecot-dev is installed:
#
#   sh scripts/package-server.sh [--out DIR] [--root ROOT]     (npm run package:server)
#
# The package, dovecot-xexec_<version>+dovecot<2.3|2.4>_<arch>.deb in DIR (default dist/), holds
# the plugin (and, for Dovecot 2.4, its settings module), the reference modules in
# /usr/lib/dovecot/xexec/ and a commented /etc/dovecot/conf.d/90-xexec.conf in that Dovecot's
# syntax. Installing it enables nothing: the administrator uncomments what they choose.
#
# --root ROOT builds inside a fresh copy of a cached Debian root (scripts/debian-root.sh ensure
# 12|13), for the Dovecot of the other release; the cache itself is not touched.
# Needs dovecot-dev, gcc, make and dpkg-deb; no network.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd -P)
out=$repo/dist
root=""
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=${2:?--out needs a folder}; shift 2 ;;
	--root) root=${2:?--root needs a folder}; shift 2 ;;
	*) echo "package-server: unexpected '$1' (usage: package-server.sh [--out DIR] [--root ROOT])" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd -P)

if [ -n "$root" ]; then
	exec sh "$repo/scripts/in-fresh-root.sh" "$root" --bind "$repo" --bind "$out" -- \
		sh "$repo/scripts/package-server.sh" --out "$out"
fi

die() {
	echo "package-server: $*" >&2
	exit 1
}

# Which Dovecot: Debian's dovecot-dev records the ABI its plugins must match ("2.3.abiv19"), and
# dovecot-core provides a virtual package of that name to depend on.
abi_file=/usr/share/dovecot/dovecot-abi
[ -r "$abi_file" ] || die "no $abi_file: install dovecot-dev (sh scripts/system-deps.sh)"
abi=$(tr -d ' \n' <"$abi_file")
case "$abi" in
2.3.*) series=2.3 next=2.4 ;;
2.4.*) series=2.4 next=2.5 ;;
*) die "Dovecot ABI '$abi' is not supported (2.3 and 2.4 are)" ;;
esac
core_version=$(dpkg-query -W -f='${Version}' dovecot-core 2>/dev/null) ||
	die "dovecot-core is not installed"
case "$core_version" in
*:*) epoch=${core_version%%:*}: ;;
*) epoch="" ;;
esac

version=$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$repo/package.json" | head -n 1)
[ -n "$version" ] || die "no version in package.json"
deb_version=$version+dovecot$series
arch=$(dpkg --print-architecture)
name=dovecot-xexec
conf_template=$repo/packaging/debian/90-xexec.conf.$series
[ -f "$conf_template" ] || die "no configuration template for Dovecot $series ($conf_template)"

# In a root, the host's TMPDIR may not exist.
tmpbase=${TMPDIR:-/tmp}
[ -d "$tmpbase" ] || tmpbase=/tmp
tmp=$(mktemp -d "$tmpbase/xexec-package.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
# dpkg-deb and make use it too.
TMPDIR=$tmp
export TMPDIR

# Build from a copy of the sources: objects in server/ may be from another Dovecot, and other
# builds may be running there.
mkdir "$tmp/src" "$tmp/stage"
(cd "$repo/server" && tar -cf - --exclude=./modules --exclude=./build --exclude='*.o' --exclude='*.so' .) |
	(cd "$tmp/src" && tar -xf -)
make -s -C "$tmp/src" >"$tmp/build.log" 2>&1 || {
	tail -n 30 "$tmp/build.log" >&2
	die "the plugin did not build against Dovecot $abi"
}
make -s -C "$tmp/src" install DESTDIR="$tmp/stage" MODULE_DIR=/usr/lib/dovecot/modules >>"$tmp/build.log" 2>&1 || {
	tail -n 30 "$tmp/build.log" >&2
	die "make install failed"
}
stage=$tmp/stage
[ -f "$stage/usr/lib/dovecot/modules/lib95_xexec_plugin.so" ] || die "make install did not install lib95_xexec_plugin.so"
if [ "$series" = 2.4 ]; then
	# 2.4's config parser rejects the xexec settings unless a settings module declares them.
	ls "$stage/usr/lib/dovecot/modules/settings/"*.so >/dev/null 2>&1 ||
		die "make install did not install the settings module Dovecot 2.4 needs"
fi
find "$stage/usr/lib/dovecot/modules" -name '*.so' -exec strip --strip-unneeded {} + 2>/dev/null || true

moddir=$stage/usr/lib/dovecot/xexec
install -d -m 0755 "$moddir" "$moddir/lib"
install -m 0755 "$repo/server/modules/"*.sh "$moddir/"
install -m 0644 "$repo/server/modules/lib/"*.sh "$moddir/lib/"

install -d -m 0755 "$stage/etc/dovecot/conf.d"
install -m 0644 "$conf_template" "$stage/etc/dovecot/conf.d/90-xexec.conf"

doc=$stage/usr/share/doc/$name
install -d -m 0755 "$doc"
install -m 0644 "$repo/docs/SERVER.md" "$repo/docs/PROTOCOL.md" "$doc/"
{
	echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
	echo "Upstream-Name: xexec"
	echo
	echo "Files: *"
	echo "Copyright: 2026 the XEXEC contributors"
	echo "License: MPL-2.0"
	echo
	echo "License: MPL-2.0"
	sed 's/^$/./; s/^/ /' "$repo/LICENSE"
} >"$doc/copyright"
chmod 0644 "$doc/copyright"

# Debian's usual variables name the maintainer of a local build.
maintainer="${DEBFULLNAME:-XEXEC maintainers} <${DEBEMAIL:-xexec@example.org}>"
{
	echo "$name ($deb_version) unstable; urgency=medium"
	echo
	echo "  * Built by scripts/package-server.sh for Dovecot $abi."
	echo
	echo " -- $maintainer  $(date -R)"
} | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

# The newest glibc symbol version the shared objects use (what dpkg-shlibdeps would derive).
libc=$(find "$stage/usr/lib/dovecot/modules" -name '*.so' -exec objdump -T {} + |
	grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/^GLIBC_//' | sort -uV | tail -n 1)
[ -n "$libc" ] || die "could not read the glibc symbol versions of the plugin (objdump)"

install -d -m 0755 "$stage/DEBIAN"
echo /etc/dovecot/conf.d/90-xexec.conf >"$stage/DEBIAN/conffiles"
(cd "$stage" && find usr -type f -exec md5sum {} + | sort -k 2) >"$stage/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f 1)
sed -e "s|@NAME@|$name|g" \
	-e "s|@VERSION@|$deb_version|g" \
	-e "s|@ARCH@|$arch|g" \
	-e "s|@SIZE@|$size|g" \
	-e "s|@ABI@|$abi|g" \
	-e "s|@CORE_MIN@|$epoch$series|g" \
	-e "s|@CORE_NEXT@|$epoch$next~|g" \
	-e "s|@SERIES@|$series|g" \
	-e "s|@MAINTAINER@|$maintainer|g" \
	-e "s|@LIBC@|$libc|g" \
	"$repo/packaging/debian/control.in" >"$stage/DEBIAN/control"
chmod -R u+rwX,go+rX,go-w "$stage"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"

deb=$out/${name}_${deb_version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/.$name.$$.deb" >/dev/null
mv -f "$out/.$name.$$.deb" "$deb"
echo "$deb"
