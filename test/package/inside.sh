#!/bin/sh
# Runs inside a fresh copy of a Debian root (scripts/in-fresh-root.sh) for package.test.ts:
#
#   sh inside.sh SHARED DEB PORT
#
# SHARED is the test's temp folder (bound in): it holds "users", the passwd-file line of the test
# user. The test drives the steps over stdin; this script answers on stdout with one line a step,
# "READY <what>" or "FAIL <why>" (details on stderr):
#
#   (start)  install DEB, set up a test user and a loopback listener, start Dovecot  -> READY installed
#   enable   enable the blacklist module as SERVER.md tells administrators, restart -> READY enabled
#   remove   stop Dovecot, dpkg -r, then dpkg -P, checking what is left each time     -> READY removed
#
# This script is the first process of its own pid namespace: when it exits, everything it
# started is killed by the kernel.
set -eu

shared=$1
deb=$2
port=$3
conf=/etc/dovecot/conf.d/90-xexec.conf
plugin=/usr/lib/dovecot/modules/lib95_xexec_plugin.so

fail() {
	echo "inside: $*" >&2
	if [ -f /var/log/dovecot-test.log ]; then
		echo "inside: the last lines of Dovecot's log:" >&2
		tail -n 20 /var/log/dovecot-test.log >&2
	fi
	echo "FAIL $*"
	exit 1
}

step() {
	IFS= read -r cmd || fail "the test went away before '$1'"
	[ "$cmd" = "$1" ] || fail "expected the step '$1', got '$cmd'"
}

case "$(dovecot --version)" in
2.3.*) series=2.3 ;;
2.4.*) series=2.4 ;;
*) fail "unexpected Dovecot $(dovecot --version)" ;;
esac

stop_dovecot() {
	[ -f /run/dovecot/master.pid ] || return 0
	pid=$(cat /run/dovecot/master.pid)
	doveadm stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 300 ] || fail "Dovecot did not stop"
		sleep 0.1
	done
	rm -f /run/dovecot/master.pid
}

start_dovecot() {
	doveconf -n >/dev/null 2>"$shared/doveconf.err" || {
		cat "$shared/doveconf.err" >&2
		fail "doveconf rejects the configuration ($1)"
	}
	dovecot || fail "Dovecot did not start ($1)"
}

# --- install ---------------------------------------------------------------------------------
if dpkg-query -W dovecot-xexec >/dev/null 2>&1; then fail "the root is not fresh: dovecot-xexec is known to dpkg"; fi
dpkg -i "$deb" >&2 || fail "dpkg -i failed"
[ "$(dpkg-query -W -f='${Status}' dovecot-xexec)" = "install ok installed" ] || fail "dovecot-xexec is not installed after dpkg -i"
for f in "$plugin" /usr/lib/dovecot/xexec/blacklist.sh /usr/lib/dovecot/xexec/whitelist.sh \
	/usr/lib/dovecot/xexec/changepassword.sh /usr/lib/dovecot/xexec/forwardmail.sh \
	/usr/lib/dovecot/xexec/vacation.sh /usr/lib/dovecot/xexec/lib/xexec-common.sh "$conf"; do
	[ -f "$f" ] || fail "$f is missing after dpkg -i"
done
[ -x /usr/lib/dovecot/xexec/blacklist.sh ] || fail "blacklist.sh is not executable"
# The files match the package's md5sums.
dpkg --verify dovecot-xexec >&2 || fail "dpkg --verify finds installed files that differ from the package"
if [ "$series" = 2.4 ]; then
	ls /usr/lib/dovecot/modules/settings/*xexec*.so >/dev/null 2>&1 || fail "no xexec settings module in /usr/lib/dovecot/modules/settings"
fi
# Nothing active: every line of the shipped conf is a comment or blank.
if grep -v '^[[:space:]]*#' "$conf" | grep -q '[^[:space:]]'; then fail "$conf has an active line"; fi
grep -qx "$conf" /var/lib/dpkg/info/dovecot-xexec.conffiles || fail "90-xexec.conf is not a conffile"
dpkg-query -L dovecot-xexec >"$shared/files" || fail "dpkg -L failed"

# --- the test's server: a mail user, a passwd-file user, a loopback listener -----------------
useradd --uid 5000 --user-group --no-create-home --home-dir /srv/xexec-mail --shell /usr/sbin/nologin xexecmail
install -d -o xexecmail -g xexecmail -m 0700 /srv/xexec-mail /srv/xexec-mail/xuser
install -o root -g dovecot -m 0640 "$shared/users" /etc/dovecot/xexec-test-users
# PAM would answer first and slowly for a user it does not know; the test user is in the file.
sed -i 's/^!include auth-system.conf.ext/#&/' /etc/dovecot/conf.d/10-auth.conf
if [ "$series" = 2.3 ]; then
	cat >/etc/dovecot/local.conf <<EOF
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
log_path = /var/log/dovecot-test.log
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = /etc/dovecot/xexec-test-users
}
userdb {
  driver = static
  args = uid=xexecmail gid=xexecmail home=/srv/xexec-mail/%u
}
service imap-login {
  inet_listener imap {
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
else
	cat >/etc/dovecot/local.conf <<EOF
listen = 127.0.0.1
ssl = no
auth_allow_cleartext = yes
log_path = /var/log/dovecot-test.log
mail_driver = maildir
mail_path = ~/Maildir
mail_inbox_path =
passdb passwd-file {
  passwd_file_path = /etc/dovecot/xexec-test-users
}
userdb static {
  fields {
    uid = xexecmail
    gid = xexecmail
    home = /srv/xexec-mail/%{user}
  }
}
service imap-login {
  inet_listener imap {
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
fi
start_dovecot "as installed"
echo "READY installed"

# --- enable the blacklist module as SERVER.md says: uncomment, in 90-xexec.conf, step 1 (the
# plugin in IMAP) and in step 2 the block's first and last line and the module's line ----------
step enable
stop_dovecot
# Every setting the file offers is valid syntax for this Dovecot: uncomment all of them ("#x" and
# "#  x"; prose is "# x") and let doveconf parse it, then put the file back.
cp "$conf" "$shared/90-xexec.conf.orig"
sed -i 's/^#\([^ #]\|  \)/\1/' "$conf"
grep -q '^xexec' "$conf" || grep -q '^  xexec = ' "$conf" || fail "uncommenting 90-xexec.conf enabled no module"
doveconf -n >/dev/null 2>"$shared/doveconf.err" || {
	cat "$shared/doveconf.err" >&2
	fail "doveconf rejects 90-xexec.conf with all its settings uncommented"
}
cp "$shared/90-xexec.conf.orig" "$conf"
if [ "$series" = 2.3 ]; then
	sed -i -e '/^#protocol imap {$/,/^#}$/ s/^#//' \
		-e 's/^#plugin {$/plugin {/' \
		-e 's/^#\(  xexec = blacklist:\)/\1/' \
		-e '$ s/^#}$/}/' "$conf"
else
	sed -i -e '/^#protocol imap {$/,/^#}$/ s/^#//' \
		-e '/^#xexec blacklist {$/,/^#}$/ s/^#//' "$conf"
fi
start_dovecot "with blacklist enabled"
echo "READY enabled"

# --- remove and purge ------------------------------------------------------------------------
step remove
stop_dovecot
dpkg -r dovecot-xexec >&2 || fail "dpkg -r failed"
[ "$(dpkg-query -W -f='${Status}' dovecot-xexec)" = "deinstall ok config-files" ] || fail "unexpected state after dpkg -r: $(dpkg-query -W -f='${Status}' dovecot-xexec)"
while IFS= read -r f; do
	[ "$f" = "$conf" ] && continue
	case "$f" in /. | /etc | /etc/dovecot | /etc/dovecot/conf.d | /usr | /usr/lib | /usr/lib/dovecot | /usr/lib/dovecot/modules | /usr/lib/dovecot/modules/settings | /usr/share | /usr/share/doc) continue ;; esac
	[ ! -e "$f" ] || fail "$f is left after dpkg -r"
done <"$shared/files"
[ -f "$conf" ] || fail "dpkg -r removed the conffile (only purge should)"
dpkg -P dovecot-xexec >&2 || fail "dpkg -P failed"
[ ! -e "$conf" ] || fail "$conf is left after dpkg -P"
if dpkg-query -W dovecot-xexec >/dev/null 2>&1; then fail "dpkg still knows dovecot-xexec after purge"; fi
# Dovecot itself is as before the package.
doveconf -n >/dev/null 2>&1 || fail "doveconf rejects the configuration after the purge"
echo "READY removed"
