#!/bin/sh
# Makes sure the Debian packages the build and the tests need are present.
# As root it installs what is missing with apt-get; otherwise it names the
# exact command to run and fails.
set -eu

# debootstrap and mount: the other Debian release's Dovecot runs from a cached root (scripts/debian-root.sh).
# python3: imaplib is one of the IMAP clients the server suite checks replies with.
# iproute2: ss, which the output-lock tests read socket queues with.
# postgresql, mariadb-server, slapd (with their clients) and Dovecot's sql and ldap drivers: the
# password back ends' tests start throwaway instances of these servers on loopback; the packages'
# own system-wide services are neither created nor started (below).
# postfix: the submit module's real-MTA test runs a throwaway Postfix (its own main.cf and queue,
# test/server/fixture/postfix.ts); installed with "No configuration" (below): the system's Postfix
# has no main.cf, and its systemd unit (enabled by the package) starts nothing without one. It also
# provides /usr/sbin/sendmail (no test or module relies on it being absent).
packages="dovecot-imapd dovecot-dev dovecot-sieve dovecot-lmtpd gcc make libc6-dev valgrind procps util-linux mount iproute2 debootstrap python3 thunderbird xvfb xauth openssl
postgresql postgresql-client mariadb-server mariadb-client slapd ldap-utils dovecot-pgsql dovecot-mysql dovecot-ldap
postfix"

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
# The tests start their own throwaway servers; the packages must not start (or, for PostgreSQL,
# even create) system-wide ones. policy-rc.d 101 tells invoke-rc.d "not now" for the install.
mkdir -p /etc/postgresql-common/createcluster.d
[ -e /etc/postgresql-common/createcluster.d/xexec-no-main-cluster.conf ] ||
	echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/xexec-no-main-cluster.conf
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT INT TERM
fi
# Postfix's debconf question, answered: no configuration (no /etc/postfix/main.cf, no service).
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -q
# shellcheck disable=SC2086 # the list is meant to split into words
apt-get install -y -q --no-install-recommends $missing
