# dns_zone.sh - a real DNS server for the DNS tests (sourced by
# test_diagnose.sh and test_report_dns.sh after lib.sh): dnsmasq on
# 127.0.0.1 at a free high port, serving a test zone (the .test TLD and
# reverse zones under 203.0.113.0/24, nothing else; every other name is
# NXDOMAIN, no query leaves the machine), logging every query it gets to
# $BS_DNS_LOG. Sets $port, $pid (killed on exit) and $R, the options
# that point bouncestat at it. Skips the test (77) without dnsmasq
# (Debian: dnsmasq-base; tools/setup-deps.sh installs it).

DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
if [ ! -x "$DNSMASQ" ]; then
    echo "SKIP: no dnsmasq (apt-get install dnsmasq-base)"
    exit 77
fi

zone="$BS_TMP/zone.conf"
BS_DNS_LOG="$BS_TMP/dnsmasq.log"
write_zone() {
    cat >"$zone" <<ZONE
port=$1
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
no-poll
pid-file=
log-queries
local=/test/
local=/in-addr.arpa/
local=/ip6.arpa/
# good: SPF passes 203.0.113.5 directly, DMARC reject with rua
txt-record=good.test,"v=spf1 ip4:203.0.113.5 include:mailer.test -all"
txt-record=mailer.test,"v=spf1 ip4:198.51.100.7 -all"
txt-record=_dmarc.good.test,"v=DMARC1; p=reject; rua=mailto:dmarc@good.test"
# the sending server 203.0.113.5 belongs to hosting.test, whose SPF
# authorizes it; its PTR resolves back
host-record=mail.hosting.test,203.0.113.5
txt-record=hosting.test,"v=spf1 ip4:203.0.113.0/28 -all"
# wrongip: SPF without the sending server, DMARC quarantine, no rua
txt-record=wrongip.test,"v=spf1 ip4:198.51.100.7 ~all"
txt-record=_dmarc.wrongip.test,"v=DMARC1; p=quarantine"
# nospf: no SPF, no DMARC (other TXT only)
txt-record=nospf.test,"google-site-verification=abc"
# toolong: 11 lookups
txt-record=toolong.test,"v=spf1 include:i1.test include:i2.test include:i3.test include:i4.test include:i5.test include:i6.test a mx include:i7.test include:i8.test include:i9.test -all"
txt-record=i1.test,"v=spf1 ip4:192.0.2.1 -all"
txt-record=i2.test,"v=spf1 ip4:192.0.2.2 -all"
txt-record=i3.test,"v=spf1 ip4:192.0.2.3 -all"
txt-record=i4.test,"v=spf1 ip4:192.0.2.4 -all"
txt-record=i5.test,"v=spf1 ip4:192.0.2.5 -all"
txt-record=i6.test,"v=spf1 ip4:192.0.2.6 -all"
txt-record=i7.test,"v=spf1 ip4:192.0.2.7 -all"
txt-record=i8.test,"v=spf1 ip4:192.0.2.8 -all"
txt-record=i9.test,"v=spf1 ip4:192.0.2.9 -all"
host-record=toolong.test,192.0.2.10
mx-host=toolong.test,toolong.test,10
txt-record=_dmarc.toolong.test,"v=DMARC1; p=none; rua=mailto:d@toolong.test"
# loop: include that comes back
txt-record=loop-a.test,"v=spf1 include:loop-b.test -all"
txt-record=loop-b.test,"v=spf1 include:loop-a.test -all"
# malformed: a typo and an ip4 without a full address
txt-record=bad.test,"v=spf1 ip4:203.0.113 inclde:mailer.test -all"
txt-record=_dmarc.bad.test,"v=DMARC1; p=block"
# two SPF records
txt-record=two.test,"v=spf1 -all"
txt-record=two.test,"v=spf1 ip4:203.0.113.5 -all"
# noptr: SPF fine (with a modifier whose text needs escaping in HTML),
# 203.0.113.9 has no PTR, 203.0.113.6 a PTR that does not resolve back;
# DMARC inherited from the organisational domain
txt-record=noptr.test,"v=spf1 ip4:203.0.113.0/24 x-contact=<postmaster&hostmaster> -all"
txt-record=_dmarc.noptr.test,"v=DMARC1; p=none; rua=mailto:d@noptr.test"
ptr-record=6.113.0.203.in-addr.arpa,host6.isp.test
host-record=host6.isp.test,198.51.100.66
txt-record=_dmarc.org.test,"v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@org.test"
txt-record=news.org.test,"v=spf1 ip4:203.0.113.5 -all"
ZONE
}

# Start dnsmasq on a free port: try a few random high ports.
pid=""
for try in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + ($$ * 7 + try * 4099) % 40000 ))
    write_zone "$port"
    "$DNSMASQ" --keep-in-foreground --conf-file="$zone" --user="$(id -un)" \
        --log-facility="$BS_DNS_LOG" 2>"$BS_TMP/dnsmasq.err" &
    pid=$!
    sleep 0.3
    if kill -0 "$pid" 2>/dev/null; then
        break
    fi
    pid=""
done
if [ -z "$pid" ]; then
    echo "FAIL: dnsmasq did not start:" >&2
    cat "$BS_TMP/dnsmasq.err" >&2
    exit 1
fi
trap 'kill "$pid" 2>/dev/null' EXIT INT TERM
R="--resolver 127.0.0.1:$port --timeout 2"

