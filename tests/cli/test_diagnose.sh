#!/bin/sh
# test_diagnose.sh - `bouncestat diagnose` against a real DNS server
# (dns_zone.sh: dnsmasq on 127.0.0.1 serving a test zone). Skipped (77)
# without dnsmasq.
. "$BS_TESTS/cli/lib.sh"
. "$BS_TESTS/cli/dns_zone.sh"

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
