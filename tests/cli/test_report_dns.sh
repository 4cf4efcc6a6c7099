#!/bin/sh
# test_report_dns.sh - `bouncestat report --dns`: the "Authentication DNS
# checks" section against a real DNS server (dns_zone.sh: dnsmasq on
# 127.0.0.1 serving a test zone), in HTML, Markdown, JSON and Japanese;
# record texts from DNS escaped; the report still written when lookups
# fail (exit 2); and without --dns, no DNS query and the report as before.
# Skipped (77) without dnsmasq.
. "$BS_TESTS/cli/lib.sh"
. "$BS_TESTS/cli/dns_zone.sh"

B=$BOUNCESTAT
LOG="$BS_TEST_DATA/diagnose/auth.log"
T="--year 2026 --tz UTC"
t=$BS_TMP/r
mkdir -p "$t"

queries() {
    grep -c 'query\[' "$BS_DNS_LOG" || true
}

# ---- without --dns: no query, and the report is the --dns one without
# its section ----
before=$(queries)
expect_status 0 "html without --dns" $B report $T -o "$t/plain.html" "$LOG"
expect_status 0 "md without --dns" $B report $T -f md -o "$t/plain.md" "$LOG"
expect_status 0 "json without --dns" $B report $T -f json -o "$t/plain.json" "$LOG"
after=$(queries)
bs_checks=$((bs_checks + 1))
if [ "$before" != "$after" ]; then
    echo "FAIL: a report without --dns made $((after - before)) DNS queries" >&2
    bs_failures=$((bs_failures + 1))
fi
for f in html md json; do
    if grep -q 'Authentication DNS checks\|"dns":' "$t/plain.$f"; then
        echo "FAIL: a DNS section without --dns ($f)" >&2
        bs_failures=$((bs_failures + 1))
    fi
done
bs_checks=$((bs_checks + 1))

# ---- HTML ----
expect_status 0 "html --dns" $B report $T --dns $R -o "$t/dns.html" "$LOG"
h="$t/dns.html"
expect_grep '<section id="dns" class="dns"><h2>Authentication DNS checks</h2>' "$h" "html: section"
expect_grep '<h3>nospf.test: <span class="lv lv-fail">problems found</span></h3>' "$h" "html: nospf verdict"
expect_grep '<td class="k">spf</td><td>nospf.test has no SPF record</td><td>publish a TXT record at nospf.test: &quot;v=spf1 ip4:203.0.113.5 ~all&quot;' "$h" "html: fix nospf SPF"
expect_grep 'publish a TXT record at _dmarc.nospf.test: &quot;v=DMARC1; p=none; rua=mailto:dmarc-reports@nospf.test&quot;' "$h" "html: fix nospf DMARC"
expect_grep 'add `include:hosting.test` to the SPF record of wrongip.test' "$h" "html: fix wrongip"
expect_grep 'the SPF record of toolong.test needs 11 DNS lookups' "$h" "html: toolong"
expect_grep '<td class="k lv lv-fail">fail</td><td class="k">ptr</td><td>203.0.113.9 has no PTR record</td>' "$h" "html: requireptr"
expect_grep 'Sending IPs: 203.0.113.9</p>' "$h" "html: sending IP from the log"
# the record's "<postmaster&hostmaster>" comes from DNS: escaped
expect_grep 'x-contact=&lt;postmaster&amp;hostmaster&gt; -all&quot;' "$h" "html: record escaped"
bs_checks=$((bs_checks + 1))
if grep -q '<postmaster' "$h"; then
    echo "FAIL: html: a record text from DNS is not escaped" >&2
    bs_failures=$((bs_failures + 1))
fi
expect_grep 'DNS queries: [0-9]*, failed: 0</p>' "$h" "html: query counts"
# the only difference with the report without --dns is the section
grep -v '^<section id="dns"' "$h" | sed 's/\.dns td{.*color:#D55E00}//' >"$t/stripped.html"
expect_file_eq "$t/stripped.html" "$t/plain.html" "html: --dns adds the section only"

# ---- Markdown ----
expect_status 0 "md --dns" $B report $T --dns $R -f md -o "$t/dns.md" "$LOG"
m="$t/dns.md"
expect_grep '^## Authentication DNS checks$' "$m" "md: section"
expect_grep '^### nospf.test: problems found$' "$m" "md: nospf"
expect_grep '^| fail | spf | nospf.test has no SPF record | publish a TXT record at nospf.test: "v=spf1 ip4:203.0.113.5 ~all"' "$m" "md: fix nospf"
expect_grep 'add \\`include:hosting.test\\` to the SPF record of wrongip.test' "$m" "md: fix wrongip"
expect_grep '^| fail | ptr | 203.0.113.9 has no PTR record | ask the owner of 203.0.113.9' "$m" "md: requireptr"
expect_grep 'x-contact=&lt;postmaster&amp;hostmaster&gt; -all' "$m" "md: record escaped"
awk '/^## Authentication DNS checks$/ { skip = 1 } /^## Compared/ { skip = 0 }
     !skip' "$m" >"$t/stripped.md"
expect_file_eq "$t/stripped.md" "$t/plain.md" "md: --dns adds the section only"

# ---- JSON, Japanese ----
expect_status 0 "json --dns" $B report $T --dns $R -f json "$LOG"
expect_grep '"dns":{"queries":[0-9]*,"failed":0,"limited":0,"not_checked":0,"domains":\[{"sender_domain":"noptr.test","verdict":"problems","ips":\["203.0.113.9"\]' "$BS_TMP/out" "json: dns"
if command -v python3 >/dev/null 2>&1; then
    cp "$BS_TMP/out" "$t/dns.json"
    expect_status 0 "json parses" python3 -m json.tool "$t/dns.json"
fi
expect_status 0 "ja --dns" $B report $T --dns $R --lang ja "$LOG"
expect_grep '<h2>認証設定の DNS 検査</h2>' "$BS_TMP/out" "ja: heading"
expect_grep '<td class="k lv lv-fail">失敗</td><td class="k">ptr</td>' "$BS_TMP/out" "ja: level"

# --top limits the domains checked
expect_status 0 "--top 1" $B report $T --dns $R --top 1 -f md "$LOG"
expect_grep '^### noptr.test: problems found$' "$BS_TMP/out" "top: first domain"
expect_grep 'not checked (past --top): 3$' "$BS_TMP/out" "top: the rest counted"
bs_checks=$((bs_checks + 1))
if grep -q '^### nospf.test' "$BS_TMP/out"; then
    echo "FAIL: --top 1 checked more than one domain" >&2
    bs_failures=$((bs_failures + 1))
fi

# ---- DNS failures: the report is written, says which lookups failed ----
expect_status 2 "no DNS server" $B report $T --dns --resolver 127.0.0.1:9 --timeout 0.3 -f md "$LOG"
expect_grep '^## Totals$' "$BS_TMP/out" "failure: report written"
expect_grep '| error | spf | SPF of nospf.test could not be checked: DNS error looking up TXT nospf.test: ' "$BS_TMP/out" "failure: which lookup"
expect_grep 'Some DNS lookups failed' "$BS_TMP/out" "failure: said in the report"
expect_grep 'DNS quer.* failed' "$BS_TMP/err" "failure: said on stderr"
expect_status 2 "query limit" $B report $T --dns $R --max-queries 3 -f md "$LOG"
expect_grep 'not sent (--max-queries): ' "$BS_TMP/out" "limit: counted"

# ---- usage ----
expect_status 1 "--resolver without --dns" $B report $T --resolver 127.0.0.1 "$LOG"
expect_grep '--resolver goes with --dns' "$BS_TMP/err" "--resolver without --dns: message"
expect_status 1 "bad --resolver" $B report $T --dns --resolver not-an-ip "$LOG"
expect_status 1 "bad --timeout" $B report $T --dns --timeout 0 "$LOG"
expect_status 0 "help" $B report --help
expect_grep '--dns ' "$BS_TMP/out" "help text"

finish
