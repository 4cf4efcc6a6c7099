#!/bin/sh
# test_diagnose.sh - `bouncestat diagnose` against a real DNS server:
# dnsmasq on 127.0.0.1 at a free high port, serving a test zone (the
# .test TLD and reverse zones under 203.0.113.0/24, nothing else; every
# other name is NXDOMAIN, no query leaves the machine). Skipped (77)
# without dnsmasq (Debian: dnsmasq-base; tools/setup-deps.sh installs it).
. "$BS_TESTS/cli/lib.sh"

DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
if [ ! -x "$DNSMASQ" ]; then
    echo "SKIP: no dnsmasq (apt-get install dnsmasq-base)"
    exit 77
fi

zone="$BS_TMP/zone.conf"
write_zone() {
    cat >"$zone" <<ZONE
port=$1
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
no-poll
pid-file=
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
# noptr: SPF fine, 203.0.113.9 has no PTR, 203.0.113.6 a PTR that
# does not resolve back; DMARC inherited from the organisational domain
txt-record=noptr.test,"v=spf1 ip4:203.0.113.0/24 -all"
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
        --log-facility="$BS_TMP/dnsmasq.log" 2>"$BS_TMP/dnsmasq.err" &
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

diag() {
    "$BOUNCESTAT" diagnose $R "$@"
}

# ---- one domain and IP, no log ----
expect_status 0 "good domain, good IP" diag --domain good.test --ip 203.0.113.5
expect_grep '^good.test: no problem found' "$BS_TMP/out" "good verdict"
expect_grep 'ok    spf   SPF passes for 203.0.113.5 (ip4:203.0.113.5)' "$BS_TMP/out" "SPF pass"
expect_grep 'DMARC at _dmarc.good.test: p=reject' "$BS_TMP/out" "DMARC reject"
expect_grep 'ok    ptr   203.0.113.5 has the PTR name mail.hosting.test' "$BS_TMP/out" "PTR good"

expect_status 0 "good domain, other IP" diag --domain good.test --ip 192.0.2.99
expect_grep 'fail  spf   SPF fail for 192.0.2.99' "$BS_TMP/out" "SPF fail"
expect_grep 'fix: add `ip4:192.0.2.99` to the SPF record of good.test' "$BS_TMP/out" "fix: ip4"
expect_grep '192.0.2.99 has no PTR record' "$BS_TMP/out" "no PTR"

expect_status 0 "wrong IP, hosting's include" diag --domain wrongip.test --ip 203.0.113.5
expect_grep 'SPF softfail for 203.0.113.5' "$BS_TMP/out" "softfail"
expect_grep 'fix: add `include:hosting.test` to the SPF record of wrongip.test' "$BS_TMP/out" "fix: include"
expect_grep 'p=quarantine' "$BS_TMP/out" "DMARC quarantine"
expect_grep 'has no rua=' "$BS_TMP/out" "no rua"

expect_status 0 "no SPF, no DMARC" diag --domain nospf.test --ip 203.0.113.5
expect_grep 'fail  spf   nospf.test has no SPF record' "$BS_TMP/out" "SPF missing"
expect_grep 'publish a TXT record at nospf.test: "v=spf1 ip4:203.0.113.5 ~all"' "$BS_TMP/out" "fix: publish SPF"
expect_grep 'no DMARC record for nospf.test: Gmail and Yahoo require one' "$BS_TMP/out" "DMARC missing"
expect_grep '_dmarc.nospf.test: "v=DMARC1; p=none; rua=mailto:dmarc-reports@nospf.test"' "$BS_TMP/out" "fix: publish DMARC"

expect_status 0 "too many lookups" diag --domain toolong.test --ip 203.0.113.5
expect_grep 'the SPF record of toolong.test needs 11 DNS lookups' "$BS_TMP/out" "lookup count"
expect_grep 'p=none' "$BS_TMP/out" "DMARC none"

expect_status 0 "include loop" diag --domain loop-a.test --ip 203.0.113.5
expect_grep 'include:loop-a.test in the SPF record of loop-b.test makes a loop: permerror' "$BS_TMP/out" "loop"
expect_grep 'fix: remove the include or redirect that loops from the SPF record of loop-b.test' "$BS_TMP/out" "fix: loop"

expect_status 0 "malformed SPF and DMARC" diag --domain bad.test --ip 203.0.113.5
expect_grep "syntax error at 'ip4:203.0.113'" "$BS_TMP/out" "SPF syntax"
expect_grep 'the DMARC record at _dmarc.bad.test is invalid: p=block' "$BS_TMP/out" "DMARC invalid"

expect_status 0 "two SPF records" diag --domain two.test
expect_grep 'two.test has 2 SPF records' "$BS_TMP/out" "two records"
expect_grep 'merge the SPF records of two.test into one' "$BS_TMP/out" "fix: merge"

expect_status 0 "PTR mismatch, inherited DMARC" diag --domain news.org.test --ip 203.0.113.6
expect_grep 'the PTR name of 203.0.113.6 (host6.isp.test) does not resolve back' "$BS_TMP/out" "PTR mismatch"
expect_grep "DMARC at _dmarc.org.test (the organisational domain's): p=reject, sp=quarantine" "$BS_TMP/out" "DMARC inherited"

expect_status 0 "missing domain" diag --domain missing.test --ip 203.0.113.5
expect_grep 'missing.test does not exist in DNS' "$BS_TMP/out" "NXDOMAIN"

expect_status 0 "JSON" diag -f json --domain wrongip.test --ip 203.0.113.5
expect_grep '"domain":"wrongip.test","verdict":"problems"' "$BS_TMP/out" "JSON domain"
expect_grep '"spf":{"result":"softfail","mechanism":"~all"' "$BS_TMP/out" "JSON SPF"
expect_grep '"dmarc":{"status":"found","name":"_dmarc.wrongip.test"' "$BS_TMP/out" "JSON DMARC"
if command -v python3 >/dev/null 2>&1; then
    cp "$BS_TMP/out" "$BS_TMP/json"
    expect_status 0 "JSON parses" python3 -m json.tool "$BS_TMP/json"
fi

# ---- a log with authentication bounces ----
expect_status 0 "diagnose a log" diag "$BS_TEST_DATA/diagnose/auth.log"
out="$BS_TMP/log.out"
cp "$BS_TMP/out" "$out"
expect_grep '^nospf.test: problems found' "$out" "log: nospf"
expect_grep 'sending IPs: 203.0.113.5 (from the log)' "$out" "log: IP from the bounce text"
expect_grep 'publish a TXT record at nospf.test: "v=spf1 ip4:203.0.113.5 ~all"' "$out" "log: fix nospf"
expect_grep 'add `include:hosting.test` to the SPF record of wrongip.test' "$out" "log: fix wrongip"
expect_grep 'needs 11 DNS lookups' "$out" "log: toolong"
expect_grep '^noptr.test: problems found' "$out" "log: noptr"
expect_grep 'fail  ptr   203.0.113.9 has no PTR record' "$out" "log: requireptr"
expect_grep 'seen in the log: 1 reverse DNS failures' "$out" "log: requireptr count"
expect_grep 'seen in the log: 1 authentication failures (spf+dkim)' "$out" "log: authfailure count"
expect_grep '^4 domains checked, 4 with problems' "$out" "log: summary"
if grep -q 'good.test\|142.250.97.108\|192.0.2.25' "$out"; then
    echo "FAIL: a domain without failures or a receiving IP was diagnosed" >&2
    bs_failures=$((bs_failures + 1))
fi
bs_checks=$((bs_checks + 1))

# --ip adds to the IPs of the log
expect_status 0 "log and --ip" diag --ip 203.0.113.6 "$BS_TEST_DATA/diagnose/auth.log"
expect_grep 'the PTR name of 203.0.113.6 (host6.isp.test)' "$BS_TMP/out" "log + --ip"

# ---- limits, failures and usage ----
expect_status 2 "query limit" diag --max-queries 2 --domain toolong.test --ip 203.0.113.5
expect_grep 'not sent (--max-queries)' "$BS_TMP/out" "limit reported"
expect_grep 'over --max-queries' "$BS_TMP/err" "limit on stderr"

expect_status 2 "no DNS server" "$BOUNCESTAT" diagnose --resolver 127.0.0.1:9 --timeout 0.3 --domain good.test --ip 203.0.113.5
expect_grep 'error spf' "$BS_TMP/out" "resolver failure reported"
expect_grep 'DNS quer' "$BS_TMP/err" "resolver failure on stderr"

expect_status 1 "bad --ip" "$BOUNCESTAT" diagnose --domain good.test --ip 300.1.1.1
expect_grep '--ip wants an IPv4 or IPv6 address' "$BS_TMP/err" "bad --ip message"
expect_status 1 "bad --resolver" "$BOUNCESTAT" diagnose --domain good.test --resolver not-an-ip
expect_status 1 "--domain with files" "$BOUNCESTAT" diagnose --domain good.test "$BS_TEST_DATA/diagnose/auth.log"
expect_status 1 "bad --timeout" "$BOUNCESTAT" diagnose --domain good.test --timeout 0
expect_status 0 "help" "$BOUNCESTAT" diagnose --help
expect_grep '--resolver IP\[:PORT\]' "$BS_TMP/out" "help text"

finish
