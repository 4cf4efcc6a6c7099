#!/bin/sh
# setup-deps.sh - install the Debian packages bouncestat needs to build and
# test. Installs only what is missing. As root it runs apt-get itself; as
# another user it uses sudo when there is one; otherwise it prints the exact
# command to run and exits 1.
#
# Usage: tools/setup-deps.sh [EXTRA-PACKAGE...]
set -eu

# BS_EXTRA_PACKAGES adds optional test tools (CI sets it: promtool, for
# one).
packages="gcc make cmake pkg-config libpcre2-dev libzstd-dev libuv1-dev libc-ares-dev check zstd gzip dnsmasq-base ${BS_EXTRA_PACKAGES:-} $*"

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
echo "setup-deps: installing:$missing" >&2
if [ "$(id -u)" = 0 ]; then
    sh -c "$cmd"
elif command -v sudo >/dev/null 2>&1; then
    sudo sh -c "$cmd"
else
    echo "setup-deps: not root and no sudo; run this as root:" >&2
    echo "    $cmd" >&2
    exit 1
fi
