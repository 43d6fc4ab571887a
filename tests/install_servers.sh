#!/usr/bin/env bash
# Install Cyrus IMAP 3 and Courier-IMAP 5 for the test fixtures in tests/servers.py (run as root).
#
# Debian's cyrus-imapd and courier-imap conflict with dovecot-imapd (all three provide
# imap-server), so their packages are fetched with `apt-get download` and unpacked with
# `dpkg-deb -x` into a folder the tests own, $INTERVIEW_AGENT_TEST_SERVERS (default
# /var/cache/interview-agent-test-servers): cyrus/ holds cyrus-common + cyrus-imapd, courier/
# holds courier-base + courier-imap. Nothing there is registered with dpkg and no service is
# enabled. apt installs only what does not conflict: the libraries those packages link against,
# sasl2-bin (saslpasswd2 writes the test user's sasldb), courier-authlib (+ authdaemon, userdb)
# and gamin (Courier's enhanced IDLE). System users as the packages' postinst would make them:
# `cyrus` (group mail) runs Cyrus, `courier` runs couriertls and owns the test Maildir.
#
# Idempotent: a second run only checks the stamps, the packages and the users (well under a
# second). `--force` downloads and unpacks again (e.g. after a Debian point release).
set -euo pipefail

DIR=${INTERVIEW_AGENT_TEST_SERVERS:-/var/cache/interview-agent-test-servers}
STAMP=.installed
FORCE=${1:-}
export DEBIAN_FRONTEND=noninteractive

say() { echo "install_servers: $*"; }

# Already done: both trees stamped, every package the stamps list installed, both users there.
installed() {
  local tree needed status
  for tree in cyrus courier; do
    [ -f "$DIR/$tree/$STAMP" ] || return 1
  done
  needed=$(sed -n 's/^apt: //p' "$DIR/cyrus/$STAMP" "$DIR/courier/$STAMP" | tr ' ' '\n' | sort -u)
  # shellcheck disable=SC2086
  status=$(dpkg-query -W -f='${db:Status-Abbrev}\n' $needed 2>/dev/null) || return 1
  grep -qv '^ii' <<<"$status" && return 1
  getent passwd cyrus >/dev/null && getent passwd courier >/dev/null
}
if [ "$FORCE" != --force ] && installed; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  say "must run as root (apt-get, system users, $DIR)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chown _apt "$work" 2>/dev/null || true  # apt downloads as _apt where it can

download() {
  (cd "$work" && apt-get download -q=2 "$@" >/dev/null 2>"$work/apt.err") || {
    say "package lists look stale; apt-get update"
    apt-get update -qq
    (cd "$work" && apt-get download -q=2 "$@" >/dev/null)
  }
}

# The library packages a .deb depends on (first of each alternative, versions dropped), minus
# libclamav and libzephyr: only cyr_virusscan and notifyd link them, and the fixtures run neither.
library_depends() {
  dpkg-deb -f "$1" Depends | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' \
    -e 's/[[:space:]]//g' | grep '^lib' | grep -v -e '^libclamav' -e '^libzephyr' || true
}

unpack() {  # unpack TREE DEB...: a fresh $DIR/TREE from the packages (stamped once all is done)
  local tree=$1
  shift
  rm -rf "$DIR/$tree.new"
  mkdir -p "$DIR/$tree.new"
  local deb
  for deb in "$@"; do
    dpkg-deb -x "$deb" "$DIR/$tree.new"
  done
  rm -rf "$DIR/$tree"
  mv "$DIR/$tree.new" "$DIR/$tree"
}

say "downloading cyrus-imapd, cyrus-common, courier-imap, courier-base into $DIR"
download cyrus-imapd cyrus-common courier-imap courier-base

cyrus_apt=$({
  for deb in "$work"/cyrus-*.deb; do library_depends "$deb"; done
  echo sasl2-bin libsasl2-modules
} | tr ' ' '\n' | sort -u | tr '\n' ' ')
courier_apt=$({
  for deb in "$work"/courier-*.deb; do library_depends "$deb"; done
  echo courier-authlib courier-authdaemon courier-authlib-userdb gamin
} | tr ' ' '\n' | sort -u | tr '\n' ' ')

say "apt-get install (libraries and non-conflicting parts only)"
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $cyrus_apt $courier_apt >/dev/null || {
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $cyrus_apt $courier_apt >/dev/null
}

getent passwd cyrus >/dev/null ||
  useradd --system --gid mail --home-dir /nonexistent --no-create-home \
    --shell /usr/sbin/nologin cyrus
getent passwd courier >/dev/null ||  # courier-authlib's postinst makes it; just in case
  useradd --system --user-group --home-dir /var/lib/courier --no-create-home \
    --shell /usr/sbin/nologin courier

mkdir -p "$DIR"
unpack cyrus "$work"/cyrus-imapd_*.deb "$work"/cyrus-common_*.deb
unpack courier "$work"/courier-imap_*.deb "$work"/courier-base_*.deb
for tree in cyrus courier; do
  {
    for deb in "$work"/"$tree"-*.deb; do
      echo "deb: $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)"
    done
    if [ "$tree" = cyrus ]; then echo "apt: $cyrus_apt"; else echo "apt: $courier_apt"; fi
  } >"$DIR/$tree/$STAMP"
done
say "done: $(sed -n 's/^deb: //p' "$DIR"/*/"$STAMP" | tr '\n' ' ')"
